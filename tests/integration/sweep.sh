#!/usr/bin/env bash
# Many hosts of both families at once: 198.19.0.0/26 and 2001:2:0:1::/122 (128 hosts, the
# lab's specially configured .7/.8/::7 among them) on 1,107 ports, every port of every host
# compared with the truth.
#   sweep.sh PATH_TO_PORTLENS [LOSS_PCT]
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

loss=${2:-0}
require_portlens "${1:-}"
require_lab_tools
lab_up "sw$loss" --loss "$loss"

ports="1-1100,3306,5432,8080,27017,49152,61234,65535"
out="$WORK_DIR/scan.ndjson"
say "scanning 198.19.0.0/26 and 2001:2:0:1::/122 -p $ports (SYN loss $loss%)"
# shellcheck disable=SC2086 # PORTLENS_SCAN_ARGS is a list of options
in_lab 120 "$PORTLENS" scan -p "$ports" --format ndjson --states all --seed 8 --quiet \
  -o "$out" ${PORTLENS_SCAN_ARGS:-} 198.19.0.0/26 2001:2:0:1::/122 ||
  die "portlens failed"
hosts=()
for i in $(seq 0 63); do hosts+=(--host "198.19.0.$i" --host "2001:2:0:1::$(printf '%x' "$i")"); done
check_truth --ndjson "$out" "${hosts[@]}" --ports "$ports" --expect-summary ||
  die "the sweep does not match the lab's truth"
say "PASS: 128 hosts x 1107 ports match the truth"
