#!/usr/bin/env bash
# SYN scan interrupted with Ctrl-C and resumed from its --resume file: the first run writes
# its partial results and the file; the second run finishes. Across both runs every port of
# the scan is reported exactly once (nothing skipped, nothing repeated) with its true state.
#   syn_resume.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
require_lab_tools
lab_up sr

targets=198.19.0.0/28
ports=1-2000
resume="$WORK_DIR/scan.resume"
# The same command both times, as a user would repeat it.
command=("$PORTLENS" scan --syn -p "$ports" --rate 6000 --format ndjson --states all --seed 5
  --quiet --resume "$resume" "$targets")

say "first run, interrupted after 2 s"
ip netns exec "$SCAN_NS" "${command[@]}" -o "$WORK_DIR/first.ndjson" 2>"$WORK_DIR/first.err" &
scanner=$!  # ip netns exec replaces itself with portlens: this is the scanner's pid
sleep 2
kill -0 "$scanner" 2>/dev/null || die "the scan ended before the interrupt"
kill -INT "$scanner"
status=0
wait "$scanner" || status=$?
[ "$status" -eq 130 ] || die "interrupted scan exited $status, expected 130"
[ -s "$resume" ] || die "no resume file was written"
check_truth --ndjson "$WORK_DIR/first.ndjson" --partial --expect-interrupted --quiet ||
  die "the interrupted run reported wrong states"

say "second run resumes"
status=0
in_lab 90 "${command[@]}" -o "$WORK_DIR/second.ndjson" 2>"$WORK_DIR/second.err" || status=$?
[ "$status" -eq 0 ] || { cat "$WORK_DIR/second.err" >&2; die "resumed scan exited $status"; }
[ ! -s "$resume" ] || die "the resume file should be empty after a completed scan"
check_truth --ndjson "$WORK_DIR/second.ndjson" --partial --quiet ||
  die "the resumed run reported wrong states"

python3 - "$WORK_DIR/first.ndjson" "$WORK_DIR/second.ndjson" <<'PY' || die "runs do not add up"
import ipaddress, json, sys
def ports(path):
    seen = {}
    for line in open(path):
        record = json.loads(line)
        if record.get("type") == "port":
            key = (record["ip"], record["port"])
            seen[key] = seen.get(key, 0) + 1
    return seen
first, second = ports(sys.argv[1]), ports(sys.argv[2])
expected = {(str(ip), p) for ip in ipaddress.ip_network("198.19.0.0/28") for p in range(1, 2001)}
twice = [k for k, n in list(first.items()) + list(second.items()) if n > 1]
both = set(first) & set(second)
missing = expected - set(first) - set(second)
print(f"first run {len(first)} ports, second run {len(second)}, in both {len(both)}, "
      f"missing {len(missing)}, duplicated within a run {len(twice)}", file=sys.stderr)
sys.exit(0 if not both and not missing and not twice and len(first) > 0 else 1)
PY
say "PASS: interrupted + resumed = the whole scan, each port once"
