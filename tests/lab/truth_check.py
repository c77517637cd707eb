#!/usr/bin/env python3
"""Compares a scan of the lab with the lab's ground truth.

Used by tests/integration (strict: any wrong port fails) and bench/run.sh (accuracy).

  truth_check.py --truth TRUTH.tsv (--ndjson FILE | --xml FILE) --host IP [--host IP]...
                 [--ports SPEC] [--unlisted closed|missing] [--tolerance N]
                 [--expect-summary] [--expect-interrupted] [--partial] [--json] [--quiet]

TRUTH.tsv is `lab.sh truth` output (ip, port, state; every other port of a host is closed).
--ndjson reads Portlens NDJSON (port/host/summary records) and also checks the records
themselves: valid JSON per line, no port reported twice, host counts equal to the port
records (when every state was requested), summary last (--expect-summary).
--xml reads nmap-style XML (nmap -oX or portlens --format xml); ports nmap folds into
<extraports> take their state from the <extrareasons ports="..."> list.
--unlisted: what a port absent from the results counts as: "missing" (a mismatch; for scans
with --states open,closed,filtered) or "closed" (for scans that print only open/filtered).
--partial (interrupted scans): only the ports present in the results are compared, --host
is optional, and each host record present must agree with that host's port records.
Exit status: 0 when wrong ports <= tolerance and every record check passed, 1 otherwise,
2 on bad usage or unreadable input.
"""
import argparse
import ipaddress
import json
import sys
import xml.etree.ElementTree as ET

STATES = ("open", "closed", "filtered")


def norm_ip(text):
    return str(ipaddress.ip_address(text))


def parse_ports(spec):
    ports = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if part == "-":
            part = "1-65535"
        if "-" in part:
            low, high = part.split("-", 1)
            ports.update(range(int(low or 1), int(high or 65535) + 1))
        else:
            ports.add(int(part))
    return ports


def read_truth(path):
    truth = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            ip, port, state = line.split("\t")[:3]
            truth[(norm_ip(ip), int(port))] = state
    return truth


class Problems:
    def __init__(self):
        self.items = []

    def add(self, text):
        self.items.append(text)


def read_ndjson(path, problems, args):
    found = {}
    hosts = {}
    summary = None
    last_type = None
    with open(path, "rb") as f:
        raw_lines = f.read().split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    else:
        problems.add("output does not end with a newline (truncated last record?)")
    for number, raw in enumerate(raw_lines, 1):
        try:
            record = json.loads(raw)
        except ValueError as error:
            problems.add(f"line {number}: not JSON ({error}): {raw[:120]!r}")
            continue
        if not isinstance(record, dict) or "type" not in record:
            problems.add(f"line {number}: record without a type")
            continue
        kind = record["type"]
        last_type = kind
        if kind == "port":
            try:
                key = (norm_ip(record["ip"]), int(record["port"]))
                state = record["state"]
            except (KeyError, ValueError, TypeError) as error:
                problems.add(f"line {number}: bad port record ({error}): {record}")
                continue
            if record.get("proto", "tcp") != "tcp":
                problems.add(f"line {number}: proto {record.get('proto')}")
            if state not in STATES:
                problems.add(f"line {number}: unknown state {state!r}")
            if key in found:
                problems.add(f"{key[0]} port {key[1]} reported twice ({found[key]}, {state})")
            found[key] = state
        elif kind == "host":
            try:
                hosts[norm_ip(record["ip"])] = record.get("counts", {})
            except (KeyError, ValueError) as error:
                problems.add(f"line {number}: bad host record ({error})")
        elif kind == "summary":
            summary = record
    if args.expect_summary or args.expect_interrupted:
        if summary is None:
            problems.add("no summary record")
        elif last_type != "summary":
            problems.add(f"last record is {last_type!r}, not the summary")
    if args.expect_interrupted and summary is not None and summary.get("interrupted") is not True:
        problems.add(f"summary lacks \"interrupted\": true: {summary}")
    return found, hosts, summary


def read_xml(path, problems):
    found = {}
    hosts = {}
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        problems.add(f"XML does not parse: {error}")
        return found, hosts
    for host in root.iter("host"):
        ip = None
        for address in host.findall("address"):
            if address.get("addrtype") in ("ipv4", "ipv6"):
                ip = norm_ip(address.get("addr"))
        if ip is None:
            problems.add("host without an address")
            continue
        ports_el = host.find("ports")
        counts = {}
        if ports_el is None:
            hosts[ip] = counts
            continue
        for port in ports_el.findall("port"):
            state = port.find("state").get("state")
            found[(ip, int(port.get("portid")))] = state
            counts[state] = counts.get(state, 0) + 1
        fallback = None
        for extra in ports_el.findall("extraports"):
            state = extra.get("state")
            counts[state] = counts.get(state, 0) + int(extra.get("count", 0))
            listed = False
            for reasons in extra.findall("extrareasons"):
                if reasons.get("ports"):
                    listed = True
                    for p in parse_ports(reasons.get("ports")):
                        found[(ip, p)] = state
            if not listed:
                fallback = state
        hosts[ip] = counts
        if fallback is not None:
            hosts[ip]["_fallback"] = fallback
    return found, hosts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--truth", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--ndjson")
    source.add_argument("--xml")
    parser.add_argument("--host", action="append", default=[])
    parser.add_argument("--ports", default="1-65535")
    parser.add_argument("--unlisted", choices=("closed", "missing"), default="missing")
    parser.add_argument("--tolerance", type=int, default=0)
    parser.add_argument("--expect-summary", action="store_true")
    parser.add_argument("--expect-interrupted", action="store_true")
    parser.add_argument("--partial", action="store_true")
    parser.add_argument("--json", action="store_true", help="print a JSON summary line")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()

    if not args.host and not args.partial:
        parser.error("--host is required (unless --partial)")
    problems = Problems()
    try:
        truth = read_truth(args.truth)
        if args.ndjson:
            found, hosts, _ = read_ndjson(args.ndjson, problems, args)
        else:
            found, hosts = read_xml(args.xml, problems)
    except (OSError, ValueError) as error:
        print(f"truth_check: {error}", file=sys.stderr)
        return 2

    wanted_hosts = [norm_ip(h) for h in args.host]
    ports = sorted(parse_ports(args.ports))
    total = 0
    right = 0
    wrong = []
    if args.partial:
        if not wanted_hosts:
            wanted_hosts = sorted({ip for ip, _ in found}, key=ipaddress.ip_address)
        ports = sorted({p for _, p in found})
        for (ip, port), got in sorted(found.items()):
            total += 1
            expected = truth.get((ip, port), "closed")
            if got == expected:
                right += 1
            else:
                wrong.append((ip, port, expected, got))
        wanted_hosts = [ip for ip in wanted_hosts if ip in hosts]
    for ip in ([] if args.partial else wanted_hosts):
        fallback = hosts.get(ip, {}).get("_fallback")
        for port in ports:
            total += 1
            expected = truth.get((ip, port), "closed")
            got = found.get((ip, port))
            if got is None:
                got = fallback or ("closed" if args.unlisted == "closed" else "missing")
            if got == expected:
                right += 1
            else:
                wrong.append((ip, port, expected, got))

    port_set = set(ports)
    extra = [] if args.partial else sorted(
        k for k in found if k[0] not in wanted_hosts or k[1] not in port_set)
    if extra:
        problems.add(f"{len(extra)} ports outside the scanned set, e.g. {extra[:5]}")

    # Host records must agree with the port records when all states were listed.
    if args.ndjson and args.unlisted == "missing":
        for ip in wanted_hosts:
            if ip not in hosts:
                problems.add(f"no host record for {ip}")
                continue
            mine = {s: 0 for s in STATES}
            for (hip, _), state in found.items():
                if hip == ip and state in mine:
                    mine[state] += 1
            theirs = {s: int(hosts[ip].get(s, 0)) for s in STATES}
            if mine != theirs:
                problems.add(f"host {ip}: counts {theirs} but port records say {mine}")

    accuracy = 100.0 * right / total if total else 0.0
    if args.json:
        print(json.dumps({"total": total, "right": right, "wrong": len(wrong),
                          "accuracy": accuracy, "problems": len(problems.items)}))
    if not args.quiet:
        print(f"truth_check: {right}/{total} ports right ({accuracy:.4f}%), "
              f"{len(wrong)} wrong, {len(problems.items)} record problems", file=sys.stderr)
        for ip, port, expected, got in wrong[:40]:
            print(f"  WRONG {ip} port {port}: expected {expected}, got {got}", file=sys.stderr)
        if len(wrong) > 40:
            print(f"  ... and {len(wrong) - 40} more", file=sys.stderr)
        for text in problems.items[:40]:
            print(f"  PROBLEM {text}", file=sys.stderr)
    return 0 if len(wrong) <= args.tolerance and not problems.items else 1


if __name__ == "__main__":
    sys.exit(main())
