#!/usr/bin/env bash
# (e) Two lab hosts with different open sets, one port list: every (host, port) must have
# its true state, and each host gets its own host record.
#   multi_host.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
require_lab_tools
lab_up mh

ports="1-30,80,443,1000-1100,3306,8000,8080,50505,65534,65535"
out="$WORK_DIR/scan.ndjson"
say "scanning 198.19.0.7-8 -p $ports in $SCAN_NS"
status=0
# shellcheck disable=SC2086
in_lab 60 "$PORTLENS" scan -p "$ports" --format ndjson -o "$out" \
  --states open,closed,filtered --seed 2 --quiet ${PORTLENS_SCAN_ARGS:-} 198.19.0.7-8 \
  >"$WORK_DIR/stdout" 2>"$WORK_DIR/stderr" || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 20 "$WORK_DIR/stderr" >&2
  die "portlens exited $status"
fi
check_truth --ndjson "$out" --host 198.19.0.7 --host 198.19.0.8 --ports "$ports" \
  --expect-summary || die "multi-host scan does not match the lab's truth"
say "PASS: both hosts match the truth"

# -R names address targets from the lab's resolver (tests/lab/names.tsv): a host with a
# name gets exactly it, in every record; a host without one gets none.
say "scanning 198.19.0.7-9 2001:2:0:1::8 2001:2:0:1::9 -p 22 with -R"
status=0
# shellcheck disable=SC2086
in_lab 60 "$PORTLENS" scan -R -p 22 --format ndjson -o "$WORK_DIR/named.ndjson" --states all \
  --quiet ${PORTLENS_SCAN_ARGS:-} 198.19.0.7-9 2001:2:0:1::8 2001:2:0:1::9 >"$WORK_DIR/stdout" \
  2>"$WORK_DIR/stderr" || status=$?
[ "$status" -eq 0 ] || { tail -n 20 "$WORK_DIR/stderr" >&2; die "portlens -R exited $status"; }
"$LAB_SH" names >"$WORK_DIR/names.tsv"
python3 - "$WORK_DIR/named.ndjson" "$WORK_DIR/names.tsv" <<'PY' || die "-R names do not match the lab's"
import json, sys
names = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[2]) if line.strip())
seen = {}
for line in open(sys.argv[1]):
    record = json.loads(line)
    if record["type"] in ("port", "host"):
        seen.setdefault(record["ip"], set()).add(record.get("hostname", ""))
expected = {ip: {names.get(ip, "")} for ip in
            ["198.19.0.7", "198.19.0.8", "198.19.0.9", "2001:2:0:1::8", "2001:2:0:1::9"]}
if seen != expected:
    sys.exit(f"names by host: got {seen}, want {expected}")
PY
say "PASS: -R names every host as the lab's resolver does"
