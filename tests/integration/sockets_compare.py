#!/usr/bin/env python3
"""Compares `portlens sockets --format json` with `ss -tan[p]` of the same namespace.

  sockets_compare.py PORTLENS_JSON SS_OUTPUT [--processes]

SS_OUTPUT without a State column (`ss ... state established`) is taken as ESTAB rows.

Both become sets of (state, local, peer) tuples written the way ss writes them; with
--processes each tuple also carries the sorted pids ss names in users:((...)). Prints the
differences and exits 1 when the sets differ.
"""
import json
import re
import sys

STATES = {"established": "ESTAB", "syn-sent": "SYN-SENT", "syn-recv": "SYN-RECV",
          "fin-wait-1": "FIN-WAIT-1", "fin-wait-2": "FIN-WAIT-2", "time-wait": "TIME-WAIT",
          "closed": "UNCONN", "close-wait": "CLOSE-WAIT", "last-ack": "LAST-ACK",
          "listening": "LISTEN", "closing": "CLOSING"}


def endpoint(e, listening_peer=False):
    host = e["ip"] if ":" not in e["ip"] else "[" + e["ip"] + "]"
    return host + ":" + ("*" if listening_peer else str(e["port"]))


def portlens_set(path, processes):
    out = set()
    for s in json.load(open(path))["sockets"]:
        listening = s["state"] == "listening"
        key = (STATES[s["state"]], endpoint(s["local"]), endpoint(s["peer"], listening))
        if processes:
            key += (tuple(sorted({p["pid"] for p in s.get("processes", [])})),)
        out.add(key)
    return out


def ss_set(path, processes):
    out = set()
    lines = open(path).read().splitlines()
    # With a single `state X` filter ss leaves the State column out.
    implied = None if lines and lines[0].startswith("State") else "ESTAB"
    for line in lines[1:]:
        fields = line.split()
        if implied:
            fields.insert(0, implied)
        if len(fields) < 5:
            continue
        key = (fields[0], fields[3], fields[4])
        if processes:
            pids = sorted({int(p) for p in re.findall(r"pid=(\d+)", line)})
            key += (tuple(pids),)
        out.add(key)
    return out


def main():
    processes = "--processes" in sys.argv
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    ours, theirs = portlens_set(args[0], processes), ss_set(args[1], processes)
    for key in sorted(ours - theirs):
        print("only portlens:", key)
    for key in sorted(theirs - ours):
        print("only ss:      ", key)
    print(f"portlens {len(ours)} sockets, ss {len(theirs)} sockets")
    sys.exit(0 if ours == theirs else 1)


if __name__ == "__main__":
    main()
