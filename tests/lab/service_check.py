#!/usr/bin/env python3
"""Compares service detection (nmap -sV XML or Portlens NDJSON) with the daemons' ground truth.

  service_check.py --truth TRUTH.tsv (--xml FILE | --ndjson FILE) [--host IP|CIDR]...
                   [--ports PORT,...] [--allow PORT,...] [--strict-version] [--json] [--quiet]

TRUTH.tsv is `tests/lab/daemons.sh truth DIR`: ip, port, service (nmap's vocabulary, ssl/NAME
inside TLS, "-" = any name), product ("-" = not asserted), package, Debian version, upstream
version (read from dpkg when the truth was written; "-" = none).
--xml: nmap -oX (or Portlens --format xml): <service name product version tunnel method>.
--ndjson: Portlens records {"type":"port","ip","port","service","product","version",
"tunnel":"ssl","method"}; other record types are ignored.
A port passes when it is open, its service is named as the truth says (a guess from the port
number, nmap's method="table" or a name ending in "?", is not a name) and, when the truth
names a product, the reported product (or version: nmap calls MariaDB "MySQL" with version
"5.5.5-10.11.19-MariaDB...") contains it, case-insensitively. Versions: "exact" when the
reported version contains the upstream version, "other" when it does not (nmap's
"9.6.0 or later"), "none" when absent; only --strict-version makes a non-exact one fail.
--ports: compare only these ports of the truth (the others were not scanned).
--allow: ports whose failure is a known gap of the scanner under test (printed, not failed).
Exit status: 0 every port passes (or is allowed), 1 otherwise, 2 bad usage or input.
"""
import argparse
import ipaddress
import json
import sys
import xml.etree.ElementTree as ET

# nmap's names for a service inside TLS, and names that mean the same protocol.
ALIASES = {"https": "ssl/http", "imaps": "ssl/imap", "pop3s": "ssl/pop3", "smtps": "ssl/smtp",
           "ftps": "ssl/ftp", "submission": "smtp", "postgres": "postgresql"}


def norm_ip(text):
    return str(ipaddress.ip_address(text))


def service_name(name, tunnel, method):
    """The name as compared: ssl/NAME inside TLS; "" for a guess from the port number."""
    name = (name or "").strip().lower()
    if not name or name.endswith("?") or method == "table" or name == "unknown":
        return ""
    if tunnel == "ssl" and not name.startswith("ssl/"):
        name = "ssl/" + name
    return ALIASES.get(name, name)


def read_truth(path):
    truth = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 7:
                raise ValueError(f"{path}: truth row with {len(fields)} fields: {line!r}")
            ip, port, service, product, package, debian, upstream = fields[:7]
            truth[(norm_ip(ip), int(port))] = {"service": service, "product": product,
                                               "package": package, "debian": debian,
                                               "upstream": upstream}
    return truth


def read_xml(path):
    found = {}
    for host in ET.parse(path).getroot().iter("host"):
        address = host.find("address")
        if address is None:
            continue
        ip = norm_ip(address.get("addr"))
        for port in host.iter("port"):
            state = port.find("state")
            service = port.find("service")
            attrs = service.attrib if service is not None else {}
            found[(ip, int(port.get("portid")))] = {
                "state": state.get("state") if state is not None else "",
                "service": service_name(attrs.get("name"), attrs.get("tunnel"), attrs.get("method")),
                "raw": ("ssl/" if attrs.get("tunnel") == "ssl" else "") + attrs.get("name", ""),
                "product": attrs.get("product", ""), "version": attrs.get("version", "")}
    return found


def read_ndjson(path):
    found = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("type") != "port":
                continue
            key = (norm_ip(record["ip"]), int(record["port"]))
            if key in found:
                raise ValueError(f"{path}:{number}: port {key} reported twice")
            tunnel = record.get("tunnel", "")
            found[key] = {
                "state": record.get("state", "open"),
                "service": service_name(record.get("service"), tunnel, record.get("method")),
                "raw": ("ssl/" if tunnel == "ssl" else "") + (record.get("service") or ""),
                "product": record.get("product") or "", "version": record.get("version") or ""}
    return found


def judge(want, got, strict_version):
    """(verdict, version_verdict) for one port; verdict "ok" passes."""
    if got is None or got["state"] != "open":
        return "missing", "-"
    version = "-"
    if want["upstream"] != "-":
        if not got["version"]:
            version = "none"
        elif want["upstream"] in got["version"]:
            version = "exact"
        else:
            version = "other"
    if want["service"] == "-":
        return "ok", version  # a fake with no protocol: open and answered is enough
    if not got["service"]:
        return "unnamed", version
    if got["service"] != want["service"]:
        return "wrong service", version
    if want["product"] != "-":
        said = (got["product"] + " " + got["version"]).lower()
        if not got["product"]:
            return "no product", version
        if want["product"].lower() not in said:
            return "wrong product", version
    if strict_version and version in ("none", "other"):
        return "version " + version, version
    return "ok", version


def main():
    parser = argparse.ArgumentParser(description="service detection vs the daemons' truth")
    parser.add_argument("--truth", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--xml")
    source.add_argument("--ndjson")
    parser.add_argument("--host", action="append", default=[])
    parser.add_argument("--ports", default="", help="only these ports (comma-separated)")
    parser.add_argument("--allow", default="", help="ports whose failure is a known gap")
    parser.add_argument("--strict-version", action="store_true")
    parser.add_argument("--json", action="store_true", help="print a JSON summary last")
    parser.add_argument("--quiet", action="store_true", help="no table")
    args = parser.parse_args()
    try:
        truth = read_truth(args.truth)
        found = read_xml(args.xml) if args.xml else read_ndjson(args.ndjson)
        networks = [ipaddress.ip_network(h, strict=False) for h in args.host]
        allowed = {int(p) for p in args.allow.split(",") if p.strip()}
        only = {int(p) for p in args.ports.split(",") if p.strip()}
    except (OSError, ValueError, ET.ParseError, KeyError) as error:
        print(f"service_check: {error}", file=sys.stderr)
        return 2

    rows, counts = [], {"ports": 0, "ok": 0, "allowed": 0, "failed": 0,
                        "versions": 0, "versions_exact": 0}
    def order(key):  # IPv4 hosts first, then IPv6 (addresses of two versions do not compare)
        address = ipaddress.ip_address(key[0])
        return address.version, address, key[1]

    for key in sorted(truth, key=order):
        address = ipaddress.ip_address(key[0])
        if networks and not any(address in network for network in networks):
            continue
        if only and key[1] not in only:
            continue
        want, got = truth[key], found.get(key)
        verdict, version = judge(want, got, args.strict_version)
        counts["ports"] += 1
        if want["upstream"] != "-":
            counts["versions"] += 1
            counts["versions_exact"] += version == "exact"
        if verdict == "ok":
            counts["ok"] += 1
        elif key[1] in allowed:
            counts["allowed"] += 1
            verdict = "known gap: " + verdict
        else:
            counts["failed"] += 1
        rows.append((key, want, got or {}, verdict, version))

    if not args.quiet:
        print(f"{'ip':<15} {'port':>5}  {'truth':<38} {'found':<52} {'version':<6} verdict")
        for (ip, port), want, got, verdict, version in rows:
            expected = f"{want['service']} {want['product']} {want['upstream']}"
            said = " ".join(x for x in (got.get("raw", ""), got.get("product", ""),
                                        got.get("version", "")) if x)
            print(f"{ip:<15} {port:>5}  {expected[:38]:<38} {said[:52]!s:<52} {version:<6} {verdict}")
    named = 100.0 * counts["ok"] / counts["ports"] if counts["ports"] else 0.0
    summary = (f"{counts['ok']}/{counts['ports']} ports named right ({named:.1f}%), "
               f"{counts['allowed']} known gaps, {counts['failed']} failed; "
               f"versions exact {counts['versions_exact']}/{counts['versions']}")
    print(summary, file=sys.stderr)
    if args.json:
        counts["accuracy"] = round(named, 2)
        print(json.dumps(counts))
    return 0 if counts["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
