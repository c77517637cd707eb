#!/usr/bin/env python3
"""Hostile fake services for service-detection tests. Runs INSIDE the lab's target namespace
(tests/lab/daemons.sh starts it there with `ip netns exec`); binds only the address it is
given, which must be a lab address.

  hostile_services.py --address 198.19.0.20 --cert CERT --key KEY [--base-port 9001]

Ports (base + n):
  +0 escapes   an SSH-looking banner full of ANSI/OSC escape sequences and <script> markup
  +1 trickle   a greeting sent one byte per second (a scanner must not wait for it forever)
  +2 wrapped   accepts and closes at once, before sending anything (nmap: tcpwrapped)
  +3 flood     an HTTP answer followed by megabytes, sent before any request
  +4 expired   TLS with an expired self-signed certificate, a tiny HTTP server inside
Every connection is bounded in time (MAX_SECONDS) and the number of live connections per
service is capped (MAX_LIVE), so a scan of 256 hosts cannot pile up threads.
"""
import argparse
import socket
import ssl
import sys
import threading
import time

MAX_SECONDS = 60
MAX_LIVE = 256
FLOOD_BYTES = 8 * 1024 * 1024

ESCAPES_BANNER = (
    b"SSH-2.0-\x1b[2J\x1b[H\x1b[31;5mEvil\x1b]0;owned\x07<script>alert(1)</script>"
    b"\x1b[0m\x00\x07\r\n"
)
TRICKLE_GREETING = b"220 trickle.lab.test ESMTP slowly\r\n"
HTTP_BODY = b"<html><body>expired certificate</body></html>\n"


def serve_escapes(conn):
    conn.sendall(ESCAPES_BANNER)
    conn.settimeout(10)
    try:
        conn.recv(4096)
    except OSError:
        pass


def serve_trickle(conn):
    for byte in TRICKLE_GREETING:
        conn.sendall(bytes([byte]))
        time.sleep(1)


def serve_wrapped(conn):
    pass  # closed by the caller at once


def serve_flood(conn):
    conn.settimeout(30)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                 b"Content-Length: %d\r\n\r\n" % FLOOD_BYTES)
    chunk = b"\x1b[31mA<b>" * 6554  # ~64 KiB of markup and escapes, sent again and again
    sent = 0
    while sent < FLOOD_BYTES:
        conn.sendall(chunk)
        sent += len(chunk)


def make_expired(context):
    def serve_expired(conn):
        conn.settimeout(10)
        with context.wrap_socket(conn, server_side=True) as tls:
            if not tls.recv(4096):  # answers whatever came first, as a careless server does
                return
            tls.sendall(b"HTTP/1.1 200 OK\r\nServer: expired-fake\r\nContent-Type: text/html\r\n"
                        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(HTTP_BODY) +
                        HTTP_BODY)
    return serve_expired


def run_service(listener, handler, live):
    while True:
        conn, _ = listener.accept()
        if not live.acquire(blocking=False):
            conn.close()
            continue

        def worker(conn=conn):
            try:
                conn.settimeout(MAX_SECONDS)
                handler(conn)
            except (OSError, ssl.SSLError, ValueError):
                pass  # the peer went away or spoke garbage: nothing to do
            finally:
                conn.close()
                live.release()

        threading.Thread(target=worker, daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--base-port", type=int, default=9001)
    parser.add_argument("--cert", required=True, help="expired certificate (PEM)")
    parser.add_argument("--key", required=True)
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    handlers = [serve_escapes, serve_trickle, serve_wrapped, serve_flood, make_expired(context)]
    family = socket.AF_INET6 if ":" in args.address else socket.AF_INET
    threads = []
    for offset, handler in enumerate(handlers):
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.address, args.base_port + offset))
        listener.listen(1024)
        thread = threading.Thread(target=run_service,
                                  args=(listener, handler, threading.Semaphore(MAX_LIVE)),
                                  daemon=True)
        thread.start()
        threads.append(thread)
    print(f"hostile services on {args.address} ports {args.base_port}-"
          f"{args.base_port + len(handlers) - 1}", file=sys.stderr, flush=True)
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
