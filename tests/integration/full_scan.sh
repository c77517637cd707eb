#!/usr/bin/env bash
# Full-range scan of one lab host; every one of the 65535 ports must have its true state.
#   full_scan.sh PATH_TO_PORTLENS 4|6 [LOSS_PCT]
# Tests (a) IPv4, (b) IPv6, (c)/(d) the same with LOSS_PCT% of SYNs dropped by the target.
# PORTLENS_SCAN_ARGS adds options to the scan (e.g. a transport), TOLERANCE allows N wrong
# ports (default 0: at 2% loss and the default retries a wrong port is a ~1e-4 event).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

family=${2:-4}
loss=${3:-0}
case $family in
  4) host=198.19.0.7 ;;
  6) host=2001:2:0:1::7 ;;
  *) die "family must be 4 or 6" ;;
esac
require_portlens "${1:-}"
require_lab_tools
lab_up "f$family-$loss" --loss "$loss"

out="$WORK_DIR/scan.ndjson"
say "scanning $host -p- (SYN loss $loss%) in $SCAN_NS"
start=$(date +%s.%N)
status=0
# shellcheck disable=SC2086 # PORTLENS_SCAN_ARGS is a list of options
in_lab 150 "$PORTLENS" scan -p- --format ndjson -o "$out" --states open,closed,filtered \
  --seed 1 --quiet ${PORTLENS_SCAN_ARGS:-} "$host" >"$WORK_DIR/stdout" 2>"$WORK_DIR/stderr" ||
  status=$?
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
say "scan exited $status after ${elapsed}s"
if [ "$status" -ne 0 ]; then
  tail -n 20 "$WORK_DIR/stderr" >&2
  die "portlens exited $status"
fi
check_truth --ndjson "$out" --host "$host" --tolerance "${TOLERANCE:-0}" --expect-summary ||
  die "scan of $host does not match the lab's truth"
say "PASS: all 65535 ports of $host match the truth"
