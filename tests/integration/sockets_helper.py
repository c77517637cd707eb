#!/usr/bin/env python3
"""Opens a known set of loopback TCP sockets for the `portlens sockets` tests, then waits.

Run it INSIDE a private network namespace (the tests do: `ip netns exec NS`). It never sends
to anything but 127.0.0.1 and ::1.

  listeners   127.0.0.1:8080, [::1]:8443, 0.0.0.0:9000, [::]:9001 (v6only),
              127.0.0.1:9100 shared by this process and a forked child (two owners)
  established N connections to 127.0.0.1:8080 (both ends kept open), 3 to [::1]:8443
  time-wait   M connections to 127.0.0.1:9000 closed by the client first (client side ends
              in TIME_WAIT for 60 s; the server side closes too, so nothing else lingers)

Writes a JSON description (pids, ports) to --ready FILE once everything is in place, then
sleeps until killed (SIGTERM), or until --ready-file's directory disappears.
"""
import argparse
import json
import os
import signal
import socket
import sys
import time


def listener(family, address, port, v6only=False):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    s.bind((address, port))
    s.listen(128)
    return s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready", required=True)
    parser.add_argument("--established", type=int, default=5)
    parser.add_argument("--time-wait", type=int, default=4)
    args = parser.parse_args()

    keep = []
    l8080 = listener(socket.AF_INET, "127.0.0.1", 8080)
    l8443 = listener(socket.AF_INET6, "::1", 8443, v6only=True)
    l9000 = listener(socket.AF_INET, "0.0.0.0", 9000)
    l9001 = listener(socket.AF_INET6, "::", 9001, v6only=True)
    l9100 = listener(socket.AF_INET, "127.0.0.1", 9100)
    keep += [l8080, l8443, l9000, l9001, l9100]

    child = os.fork()
    if child == 0:  # holds l9100 (and every other inherited fd) until killed
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        while True:
            time.sleep(3600)

    for _ in range(args.established):
        c = socket.create_connection(("127.0.0.1", 8080))
        a, _ = l8080.accept()
        keep += [c, a]
    for _ in range(3):
        c = socket.create_connection(("::1", 8443))
        a, _ = l8443.accept()
        keep += [c, a]
    for _ in range(args.time_wait):
        c = socket.create_connection(("127.0.0.1", 9000))
        a, _ = l9000.accept()
        c.close()  # active close: the client side goes to TIME_WAIT
        a.recv(1)  # EOF
        a.close()
    time.sleep(0.3)  # let the FIN/ACK exchanges settle (LAST_ACK -> CLOSED)

    info = {"pid": os.getpid(), "child": child,
            "listeners": [8080, 8443, 9000, 9001, 9100],
            "established": args.established, "time_wait": args.time_wait}
    tmp = args.ready + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f)
    os.rename(tmp, args.ready)

    def stop(*_):
        try:
            os.kill(child, signal.SIGTERM)
        except ProcessLookupError:
            pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while os.path.exists(os.path.dirname(os.path.abspath(args.ready))):
        time.sleep(0.5)
    stop()


if __name__ == "__main__":
    main()
