#!/usr/bin/env bash
# (f) Ctrl-C: a long scan (a /24, every port, low rate) gets SIGINT after ~1.5 s. It must
# exit within 5 s, and its NDJSON file must be whole: valid records only, every port record
# true, host records consistent, and a last summary record with "interrupted": true.
#   sigint.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
require_lab_tools
lab_up si

out="$WORK_DIR/scan.ndjson"
say "starting a /24 -p- scan at 2000 probes/s in $SCAN_NS"
# $! is `timeout` (a guard against a scanner that ignores SIGINT entirely); its child is the
# scanner itself, since `ip netns exec` execs it.
# shellcheck disable=SC2086
timeout -s INT -k 5 60 ip netns exec "$SCAN_NS" "$PORTLENS" scan -p- --rate 2000 --format ndjson -o "$out" \
  --states open,closed,filtered --seed 3 --quiet ${PORTLENS_SCAN_ARGS:-} 198.19.0.0/24 \
  >"$WORK_DIR/stdout" 2>"$WORK_DIR/stderr" &
guard=$!
sleep 1.5
scanner=$(pgrep -P "$guard" || true)
[ -n "$scanner" ] || die "the scan ended before SIGINT (status: $(wait "$guard"; echo $?))"
say "sending SIGINT to $scanner"
kill -INT "$scanner"
for _ in $(seq 50); do
  kill -0 "$scanner" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$scanner" 2>/dev/null; then
  kill -KILL "$scanner" 2>/dev/null || true
  die "portlens still running 5 s after SIGINT"
fi
status=0
wait "$guard" || status=$?
say "portlens exited with status $status after SIGINT"
[ "$status" -ne 124 ] && [ "$status" -lt 128 ] || [ "$status" -eq 130 ] ||
  die "portlens died from a signal (status $status) instead of shutting down"
[ -s "$out" ] || die "no output file"
result=$(check_truth --ndjson "$out" --partial --expect-interrupted --json) ||
  die "the interrupted output is not valid (see above)"
echo "$result" >&2
ports=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["total"])' "$result")
[ "$ports" -gt 0 ] || die "no port record was written before the interrupt"
say "PASS: exited in time, $ports port records, summary says interrupted"
