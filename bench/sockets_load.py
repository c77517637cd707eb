#!/usr/bin/env python3
"""Holds N established loopback TCP connections (2N sockets) for bench/sockets.sh.

  sockets_load.py --port P --connections N --ready FILE

Listens on 127.0.0.1:P, connects to itself N times and accepts each connection, keeping both
ends open, writes FILE when done and sleeps until SIGTERM. Run it inside the bench's private
network namespace only; it never talks to anything but 127.0.0.1.
"""
import argparse
import resource
import signal
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--ready", required=True)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * args.connections + 64
    if need > hard:
        sys.exit(f"sockets_load: needs {need} open files, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(4096)
    held = []
    for _ in range(args.connections):
        client = socket.create_connection(("127.0.0.1", args.port))
        server, _ = listener.accept()
        held += [client, server]
    open(args.ready, "w").close()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
