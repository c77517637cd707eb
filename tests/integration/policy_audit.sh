#!/usr/bin/env bash
# `portlens audit`, `policy init` and `diff` in the lab, against the lab's ground truth:
#  1. a policy written from truth.tsv (every open port of 198.19.0.7 and 198.19.0.8) audits
#     clean: exit 0, connect and SYN scans;
#  2. the same policy with 8080 left out, 9999 documented and 22 expired: exit 1 and exactly
#     unexpected_open 8080, missing 9999 (closed), expired 22, in NDJSON; service_mismatch
#     (22 documented as http) with -sV only;
#  3. `policy init --from` a scan's NDJSON gives a policy that audits clean (round trip), and
#     the same scan state as JSON and nmap XML drafts the same hosts and ports;
#  4. a broken policy: exit 2 with FILE:LINE:COL;
#  5. `diff` of two XML scans around a change (80/tcp open -> filtered) and of an unchanged
#     NDJSON / XML pair: the same exit codes and changed ports as nmap's ndiff; JSON against
#     NDJSON (unchanged: 0) and against XML (the change: 1) too.
#   policy_audit.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
require_lab_tools ndiff
lab_up pa

hosts=(198.19.0.7 198.19.0.8)
ports="1-1024,8080"
started=$(date +%s.%N)

# policy_from_truth OUT [DROP_PORT] [EXTRA_YAML]: every open port of the two hosts.
policy_from_truth() {
  python3 - "$WORK_DIR/truth.tsv" "$@" <<'PY'
import sys
truth, out = sys.argv[1], sys.argv[2]
drop = sys.argv[3] if len(sys.argv) > 3 else ""
extra = sys.argv[4] if len(sys.argv) > 4 else ""
open_ports = {}
for line in open(truth):
    ip, port, state = line.rstrip("\n").split("\t")[:3]
    if state == "open" and ip in ("198.19.0.7", "198.19.0.8"):
        open_ports.setdefault(ip, []).append(int(port))
with open(out, "w") as f:
    f.write("hosts:\n")
    for ip, ports in sorted(open_ports.items()):
        f.write(f"  - match: {ip}\n    ports:\n")
        for port in sorted(ports):
            if ip == "198.19.0.7" and str(port) == drop:
                continue
            if ip == "198.19.0.7" and port == 22 and "expired" in extra:
                f.write(f"      - port: 22\n        owner: infra\n        expires: 2020-01-31\n")
                continue
            f.write(f"      - port: {port}\n        owner: lab\n        purpose: truth.tsv\n")
        if ip == "198.19.0.7" and "missing" in extra:
            f.write("      - port: 9999\n        owner: nobody\n")
PY
}

# audit EXPECTED_STATUS OUT ARGS...: runs audit in the scanner namespace.
audit() {
  local expected=$1 out=$2 status=0
  shift 2
  in_lab 60 "$PORTLENS" audit --quiet "$@" >"$out" 2>>"$WORK_DIR/stderr" || status=$?
  if [ "$status" -ne "$expected" ]; then
    cat "$out" >&2
    tail -n 5 "$WORK_DIR/stderr" >&2
    die "audit $* exited $status, expected $expected"
  fi
}

say "1. a policy from the truth audits clean (connect and SYN)"
policy_from_truth "$WORK_DIR/clean.yaml"
in_lab 10 "$PORTLENS" policy check "$WORK_DIR/clean.yaml" >/dev/null || die "policy check failed"
audit 0 "$WORK_DIR/clean_connect.txt" --policy "$WORK_DIR/clean.yaml" --connect -p "$ports"
grep -q "^No findings: 2 hosts match" "$WORK_DIR/clean_connect.txt" ||
  die "clean audit said: $(cat "$WORK_DIR/clean_connect.txt")"
audit 0 "$WORK_DIR/clean_syn.txt" --policy "$WORK_DIR/clean.yaml" --syn -p "$ports"

say "2. drift: 8080 undocumented, 9999 documented but closed, 22 expired"
policy_from_truth "$WORK_DIR/drift.yaml" 8080 "missing expired"
audit 1 "$WORK_DIR/drift.ndjson" --policy "$WORK_DIR/drift.yaml" --connect -p "$ports" \
  --format ndjson
python3 - "$WORK_DIR/drift.ndjson" <<'PY' || die "wrong findings"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
findings = sorted((f["kind"], f["ip"], f["port"], f.get("state", "")) for f in lines
                  if f["type"] == "finding")
expected = [("expired", "198.19.0.7", 22, "open"), ("missing", "198.19.0.7", 9999, "closed"),
            ("unexpected_open", "198.19.0.7", 8080, "open")]
summary = lines[-1]
if findings != expected or summary["type"] != "summary" or summary["findings"] != 3:
    print("got", findings, summary, file=sys.stderr)
    sys.exit(1)
opened = [f for f in lines if f.get("kind") == "unexpected_open"][0]
assert opened.get("service"), opened  # the port table names it without -sV
PY

say "2b. service_mismatch only when -sV ran (22 is ssh, the policy says http)"
printf 'hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 22\n        service: http\n      - port: 80\n        service: http\n' \
  >"$WORK_DIR/service.yaml"
audit 0 "$WORK_DIR/service_plain.txt" --policy "$WORK_DIR/service.yaml" --connect -p 22,80 \
  198.19.0.7
audit 1 "$WORK_DIR/service_sv.ndjson" --policy "$WORK_DIR/service.yaml" --connect -p 22,80 \
  -sV --format ndjson 198.19.0.7
python3 - "$WORK_DIR/service_sv.ndjson" <<'PY' || die "wrong -sV findings"
import json, sys
found = [json.loads(l) for l in open(sys.argv[1])][:-1]
assert [(f["kind"], f["port"], f["service"], f["expected"]) for f in found] == \
    [("service_mismatch", 22, "ssh", "http")], found
PY

say "3. policy init --from a scan, then audit against it"
in_lab 60 "$PORTLENS" scan --connect --quiet -p "$ports" --format ndjson \
  -o "$WORK_DIR/scan.ndjson" "${hosts[@]}" || die "scan failed"
in_lab 10 "$PORTLENS" policy init --from "$WORK_DIR/scan.ndjson" -o "$WORK_DIR/draft.yaml" ||
  die "policy init failed"
grep -q TODO "$WORK_DIR/draft.yaml" || die "the draft leaves nothing for a person"
audit 0 "$WORK_DIR/draft.txt" --policy "$WORK_DIR/draft.yaml" --connect -p "$ports"

say "4. a broken policy is exit 2 with its position"
printf 'hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 22\n        owner: a\n        ownr: b\n' \
  >"$WORK_DIR/broken.yaml"
audit 2 "$WORK_DIR/broken.txt" --policy "$WORK_DIR/broken.yaml" --connect -p 22
grep -q "broken.yaml:6:9: unknown key 'ownr'" "$WORK_DIR/stderr" || die "no FILE:LINE:COL error"

say "5. diff against ndiff"
scan_to() {
  in_lab 60 "$PORTLENS" scan --connect --quiet -p "$ports" --format "$1" -o "$2" 198.19.0.7 ||
    die "scan failed"
}
scan_to xml "$WORK_DIR/before.xml"
scan_to ndjson "$WORK_DIR/before.ndjson"
scan_to json "$WORK_DIR/before.json"
# policy init reads all three formats: one scan state, one list of hosts and ports.
for format in xml ndjson json; do
  in_lab 10 "$PORTLENS" policy init --from "$WORK_DIR/before.$format" \
    -o "$WORK_DIR/init-$format.yaml" || die "policy init --from $format failed"
  grep -E '^ *(- match|- port):' "$WORK_DIR/init-$format.yaml" >"$WORK_DIR/init-$format.ports"
done
[ "$(grep -c -- '- port:' "$WORK_DIR/init-xml.ports")" -ge 5 ] ||
  die "policy init --from XML listed too few ports: $(cat "$WORK_DIR/init-xml.ports")"
{ cmp -s "$WORK_DIR/init-xml.ports" "$WORK_DIR/init-ndjson.ports" &&
  cmp -s "$WORK_DIR/init-json.ports" "$WORK_DIR/init-ndjson.ports"; } ||
  die "policy init: XML, NDJSON and JSON drafts differ: $(diff "$WORK_DIR/init-xml.ports" "$WORK_DIR/init-json.ports")"
"$LAB_SH" block "$LAB_NAME" 198.19.0.7 80 reject
scan_to xml "$WORK_DIR/after.xml"
diff_status() {
  local status=0
  "$PORTLENS" diff --format ndjson "$1" "$2" >"$WORK_DIR/diff.ndjson" || status=$?
  echo "$status"
}
nd_status() {
  local status=0
  ndiff --xml "$1" "$2" >"$WORK_DIR/ndiff.xml" || status=$?
  echo "$status"
}
[ "$(diff_status "$WORK_DIR/before.xml" "$WORK_DIR/after.xml")" = 1 ] || die "diff did not exit 1"
[ "$(nd_status "$WORK_DIR/before.xml" "$WORK_DIR/after.xml")" = 1 ] || die "ndiff did not exit 1"
python3 - "$WORK_DIR/diff.ndjson" "$WORK_DIR/ndiff.xml" <<'PY' || die "diff and ndiff disagree"
import json, sys, xml.etree.ElementTree as ET
ours = sorted(c["port"] for c in map(json.loads, open(sys.argv[1])) if c["type"] == "change")
theirs = sorted({int(p.get("portid")) for p in ET.parse(sys.argv[2]).iter("port")})
first = [json.loads(l) for l in open(sys.argv[1])][0]
if ours != theirs or ours != [80] or first["change"] != "closed" or \
        first["after"]["state"] != "filtered":
    print("portlens", ours, first, "ndiff", theirs, file=sys.stderr)
    sys.exit(1)
PY
# The same scan state in two formats (XML and NDJSON, the lab unchanged in between): no change.
[ "$(diff_status "$WORK_DIR/before.xml" "$WORK_DIR/before.ndjson")" = 0 ] ||
  die "diff of one state in two formats exited non-zero: $(cat "$WORK_DIR/diff.ndjson")"
[ "$(nd_status "$WORK_DIR/before.xml" "$WORK_DIR/before.xml")" = 0 ] || die "ndiff: not 0"
[ "$(diff_status "$WORK_DIR/before.json" "$WORK_DIR/before.ndjson")" = 0 ] ||
  die "diff of JSON and NDJSON of one state exited non-zero: $(cat "$WORK_DIR/diff.ndjson")"
[ "$(diff_status "$WORK_DIR/before.json" "$WORK_DIR/after.xml")" = 1 ] ||
  die "diff of JSON and XML around a change did not exit 1"
grep -q '"port":80,' "$WORK_DIR/diff.ndjson" || die "JSON -> XML diff misses 80: $(cat "$WORK_DIR/diff.ndjson")"
[ "$("$PORTLENS" diff /nonexistent "$WORK_DIR/before.xml" 2>/dev/null; echo $?)" = 2 ] ||
  die "diff of a missing file is not exit 2"

say "PASS in $(python3 -c "import sys; print(round($(date +%s.%N) - $started, 1))") s"
