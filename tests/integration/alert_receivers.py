#!/usr/bin/python3
"""Receivers for the alert tests (tests/integration/alerts.sh, bench/alerts.sh), on loopback
of the test's private namespace. Each appends one JSON line per message to OUT:

  alert_receivers.py webhook PORT SECRET OUT  HTTP POSTs: delivery id, event, whether
                                              X-Portlens-Signature is the HMAC-SHA256 of the
                                              body with SECRET, the body, receive time
  alert_receivers.py smtp PORT OUT            an aiosmtpd server (Debian python3-aiosmtpd)
  alert_receivers.py syslog PATH OUT          datagrams on a Unix socket (an RFC 5424 line)

Runs until killed (at most --lifetime seconds). Run with Debian's /usr/bin/python3, which has
aiosmtpd.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import socket
import threading
import time


def append(path, record):
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
        out.flush()


def webhook(port, secret, out):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            signature = self.headers.get("X-Portlens-Signature", "")
            append(out, {
                "received_ns": time.time_ns(),
                "delivery": self.headers.get("X-Portlens-Delivery"),
                "event_header": self.headers.get("X-Portlens-Event"),
                "path": self.path,
                "signature_valid": hmac.compare_digest(expected, signature),
                "body": json.loads(body),
            })
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.serve_forever()


def smtp(port, out):
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            append(out, {
                "received_ns": time.time_ns(),
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace"),
            })
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    threading.Event().wait()


def syslog(path, out):
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    while True:
        data = sock.recv(65536)
        append(out, {"received_ns": time.time_ns(), "line": data.decode("utf-8", "replace")})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["webhook", "smtp", "syslog"])
    parser.add_argument("args", nargs="+")
    parser.add_argument("--lifetime", type=float, default=600)
    options = parser.parse_args()
    threading.Timer(options.lifetime, lambda: os._exit(0)).start()
    if options.kind == "webhook":
        webhook(int(options.args[0]), options.args[1], options.args[2])
    elif options.kind == "smtp":
        smtp(int(options.args[0]), options.args[1])
    else:
        syslog(options.args[0], options.args[1])


if __name__ == "__main__":
    main()
