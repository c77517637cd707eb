#!/usr/bin/env python3
"""nmap itself reads data/service-probes and names the recorded answers as our matcher does.

Runs inside a private network namespace (detect_probes_nmap.sh starts it with `unshare -n`):
one loopback server per row of tests/data/detect/samples.tsv answers the row's probe with the
recorded bytes; `nmap -sV --datadir DIR` (DIR holding our file as nmap-service-probes) scans
them, and its XML must show the expected service, product and version. Rows whose service is
ssl are TLS ports: nmap then probes inside TLS, which these fakes do not speak, so it reports
ssl/unknown; that is accepted. With DETECT_BENCH (bench/detect_loopback_bench), our
PortDetector runs over the same fakes too: same expectations, and both wall times printed.
  detect_probes_nmap.py SOURCE_DIR [DETECT_BENCH]
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

ESCAPES = {"0": 0, "a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}
BASE_PORT = 20000


def unescape(text):
    out, i = bytearray(), 0
    while i < len(text):
        if text[i] != "\\":
            out.append(ord(text[i]))
            i += 1
        elif text[i + 1] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(ESCAPES[text[i + 1]])
            i += 2
    return bytes(out)


def probe_payloads(path):
    payloads = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            m = re.match(r"^Probe TCP (\S+) q(.)(.*?)\2", line)
            if m:
                payloads[m.group(1)] = unescape(m.group(3))
    return payloads


def handle(conn, want, answer):
    try:
        conn.settimeout(10)
        got = b""
        while want and len(got) < len(want):
            chunk = conn.recv(4096)
            if not chunk:
                break
            got += chunk
        if answer and got[:len(want)] == want:
            conn.sendall(answer)
        time.sleep(0.3)
    except OSError:
        pass
    finally:
        conn.close()


def serve(port, want, answer):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(32)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn, want, answer), daemon=True).start()


def main():
    source = sys.argv[1]
    data = os.path.join(source, "tests", "data", "detect")
    payloads = probe_payloads(os.path.join(source, "data", "service-probes"))
    rows = []
    with open(os.path.join(data, "samples.tsv")) as f:
        for line in f:
            if not line.startswith("#"):
                rows.append(line.rstrip("\n").split("\t"))
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    for i, row in enumerate(rows):
        with open(os.path.join(data, "responses", row[0]), "rb") as f:
            answer = f.read()
        want = b"" if row[1] == "NULL" else payloads[row[1]]
        threading.Thread(target=serve, args=(BASE_PORT + i, want, answer), daemon=True).start()
    time.sleep(0.5)
    work = tempfile.mkdtemp(prefix="detect-nmap-")
    try:
        shutil.copy(os.path.join(source, "data", "service-probes"),
                    os.path.join(work, "nmap-service-probes"))
        xml_path = os.path.join(work, "scan.xml")
        ports = f"{BASE_PORT}-{BASE_PORT + len(rows) - 1}"
        start = time.monotonic()
        subprocess.run(["nmap", "-n", "-Pn", "-sV", "--datadir", work, "-p", ports,
                        "127.0.0.1", "-oX", xml_path], check=True, stdout=subprocess.DEVNULL,
                       timeout=240)
        print(f"nmap -sV over {len(rows)} fake services: {time.monotonic() - start:.1f} s")
        status = compare("nmap", parse_nmap(ET.parse(xml_path)), rows)
        if len(sys.argv) > 2:
            start = time.monotonic()
            out = subprocess.run([sys.argv[2], os.path.join(source, "data", "service-probes"),
                                  "127.0.0.1"] + [str(BASE_PORT + i) for i in range(len(rows))],
                                 check=True, capture_output=True, text=True, timeout=240)
            print(f"portlens PortDetector over {len(rows)} fake services: "
                  f"{time.monotonic() - start:.1f} s")
            status |= compare("portlens", parse_bench(out.stdout), rows)
        return status
    finally:
        shutil.rmtree(work)


def parse_nmap(tree):
    seen = {}
    for port in tree.iter("port"):
        service = port.find("service")
        seen[int(port.get("portid"))] = {} if service is None else dict(service.attrib)
    return seen


def parse_bench(text):
    seen = {}
    for line in text.splitlines():
        port, name, product, version, info, tunnel = line.split("\t")
        got = {"product": product, "version": version, "extrainfo": info}
        if name:
            got.update(name=name, method="probed")
        if tunnel:
            got["tunnel"] = tunnel
        seen[int(port)] = got
    return seen


def compare(who, seen, rows):
    failures = 0
    for i, row in enumerate(rows):
        got = seen.get(BASE_PORT + i, {})
        name, service, product, version = row[0], row[2], row[4], row[5]
        product, version = ("" if product == "-" else product), ("" if version == "-" else version)
        if service == "NOMATCH":
            ok = got.get("method") != "probed"
        elif service == "ssl":
            ok = got.get("tunnel") == "ssl" or got.get("name") == "ssl"
        else:
            ok = (got.get("name"), got.get("product", ""), got.get("version", "")) == (
                service, product, version)
        if not ok:
            failures += 1
            print(f"MISMATCH {name}: {who} says {got}, expected {service}/{product}/{version}")
    print(f"{who}: {len(rows) - failures} of {len(rows)} answers named as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
