#!/usr/bin/env python3
"""When live events arrive through a proxy and straight from serve (bench/web.sh).

Opens the same event stream twice at once, straight and through the proxy, reads both for
SECONDS, and matches records by (ip, port): prints one line of JSON with the first port
event's arrival on each path (seconds after the start) and the arrival offset of each record,
proxied copy minus direct copy (median, p99, max, in ms). Each stream polls the store every
200 ms on its own schedule, so the offsets include up to +-200 ms of poll phase besides what
the proxy adds; a negative median means the proxied stream's polls happened to run earlier.
  sse_latency.py DIRECT_HOST:PORT PROXY_HOST:PORT PATH TOKEN SECONDS
"""
import json
import selectors
import socket
import sys
import time


def open_stream(address, path, token):
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    # HTTP/1.0: no chunked framing on either path, the body is the event text as sent.
    sock.sendall(f"GET {path} HTTP/1.0\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n"
                 .encode())
    sock.setblocking(False)
    return sock


def main():
    direct, proxy, path, token, seconds = sys.argv[1:6]
    start = time.monotonic()
    streams = {"direct": open_stream(direct, path, token), "proxy": open_stream(proxy, path, token)}
    buffers = {name: b"" for name in streams}
    arrivals = {name: {} for name in streams}
    first = {name: None for name in streams}
    selector = selectors.DefaultSelector()
    for name, sock in streams.items():
        selector.register(sock, selectors.EVENT_READ, name)
    deadline = start + float(seconds)
    while time.monotonic() < deadline and selector.get_map():
        for key, _ in selector.select(timeout=0.05):
            name = key.data
            chunk = key.fileobj.recv(1 << 16)
            now = time.monotonic() - start
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            buffers[name] += chunk
            *blocks, buffers[name] = buffers[name].split(b"\n\n")
            for block in blocks:
                fields = dict(line.split(b": ", 1) for line in block.split(b"\n")
                              if b": " in line and not line.startswith(b":"))
                if fields.get(b"event") != b"port":
                    continue
                record = json.loads(fields[b"data"])
                arrivals[name].setdefault((record["ip"], record["port"]), now)
                if first[name] is None:
                    first[name] = now
    delays = sorted((arrivals["proxy"][k] - t) * 1000 for k, t in arrivals["direct"].items()
                    if k in arrivals["proxy"])
    def pick(q):
        return round(delays[min(len(delays) - 1, int(q * len(delays)))], 2) if delays else None
    print(json.dumps({"first_direct_s": first["direct"], "first_proxy_s": first["proxy"],
                      "matched": len(delays), "delay_ms_p50": pick(0.5), "delay_ms_p99": pick(0.99),
                      "delay_ms_max": round(delays[-1], 2) if delays else None}))


main()
