#!/usr/bin/env python3
"""Fake services on 127.0.0.1 for the service-detection tests (loopback only).

Starts every fake on port 0, prints one JSON line {"name": port, ...} on stdout, then serves
until killed (or until --lifetime seconds). Fakes:
  ssh        an OpenSSH-like banner at once
  http       silent until it reads a request line, then an nginx answer
  https      the same inside TLS (certificate made with the openssl CLI at start)
  smtp       a Postfix-like greeting with STARTTLS (EHLO, STARTTLS, then TLS)
  wrapped    accepts and closes at once (nmap's tcpwrapped)
  trickle    an SSH banner one byte every 100 ms (bounded: 40 bytes)
  flood      8 MiB of bytes at once
  hostile    a banner full of escape sequences and markup
"""
import argparse
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HTTP_ANSWER = (b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n"
               b"Content-Length: 5\r\nConnection: close\r\n\r\nhello")
SSH_BANNER = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"


def make_certificate(folder, days):
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", str(days), "-subj", "/CN=fake.test/O=Portlens",
                    "-addext", "subjectAltName=DNS:fake.test,IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["http/1.1"])
    return context


def read_request(conn, limit=4096):
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < limit:
        chunk = conn.recv(1024)
        if not chunk:
            return None
        data += chunk
    return data


def serve_ssh(conn, _):
    conn.sendall(SSH_BANNER)
    conn.recv(1024)


def serve_http(conn, _):
    request = read_request(conn)
    if request and request.startswith(b"GET "):
        conn.sendall(HTTP_ANSWER)


def serve_https(conn, tls):
    try:
        with tls.wrap_socket(conn, server_side=True) as wrapped:
            serve_http(wrapped, None)
    except (ssl.SSLError, OSError):
        pass


def read_line(conn):
    data = b""
    while not data.endswith(b"\n") and len(data) < 1024:
        chunk = conn.recv(1)
        if not chunk:
            return None
        data += chunk
    return data


def serve_smtp(conn, tls):
    conn.sendall(b"220 mail.fake.test ESMTP Postfix (Debian/GNU)\r\n")
    while True:
        line = read_line(conn)
        if line is None:
            return
        verb = line.strip().upper()
        if verb.startswith(b"EHLO"):
            conn.sendall(b"250-mail.fake.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
        elif verb == b"STARTTLS":
            conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
            try:
                with tls.wrap_socket(conn, server_side=True) as wrapped:
                    wrapped.recv(1024)
            except (ssl.SSLError, OSError):
                pass
            return
        elif verb == b"QUIT":
            conn.sendall(b"221 2.0.0 Bye\r\n")
            return
        else:
            conn.sendall(b"502 5.5.2 Error: command not recognized\r\n")


def serve_wrapped(conn, _):
    pass


def serve_trickle(conn, _):
    for byte in b"SSH-2.0-Trickle_1.0 slow peer\r\n":
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


def serve_flood(conn, _):
    block = b"\x00\xffflood " * 8192
    sent = 0
    while sent < 8 * 1024 * 1024:
        conn.sendall(block)
        sent += len(block)


def serve_hostile(conn, _):
    conn.sendall(b"\x1b[31mroot\x1b[0m <script>alert(1)</script>\xff\x07\r\n")
    conn.recv(1024)


FAKES = {"ssh": serve_ssh, "http": serve_http, "https": serve_https, "smtp": serve_smtp,
         "wrapped": serve_wrapped, "trickle": serve_trickle, "flood": serve_flood,
         "hostile": serve_hostile}


def handle(conn, serve, tls):
    try:
        conn.settimeout(30)
        serve(conn, tls)
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def accept_loop(listener, serve, tls):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn, serve, tls), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lifetime", type=float, default=600)
    parser.add_argument("--cert-days", type=int, default=20)
    parser.add_argument("--only", default=",".join(FAKES))
    parser.add_argument("--bind", default="127.0.0.1",
                        help="0.0.0.0 inside a private namespace: every 127/8 address answers")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="portlens-fakes-")
    tls = make_certificate(folder, args.cert_days)
    ports = {}
    for name in args.only.split(","):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.bind, 0))
        listener.listen(256)
        ports[name] = listener.getsockname()[1]
        threading.Thread(target=accept_loop, args=(listener, FAKES[name], tls),
                         daemon=True).start()
    print(json.dumps(ports), flush=True)
    time.sleep(args.lifetime)


if __name__ == "__main__":
    sys.exit(main())
