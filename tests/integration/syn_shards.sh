#!/usr/bin/env bash
# --shard K/N: (1) the probes --dry-run lists for shards 1..N are disjoint and together are
# exactly the probes of the unsharded scan; (2) real sharded scans of two lab hosts together
# match the ground truth, each port reported by exactly one shard.
#   syn_shards.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
require_lab_tools
lab_up sh

say "dry runs: 198.19.0.0/24 x 1-100 in 1 and in 3 shards"
dry() { in_lab 30 "$PORTLENS" scan --dry-run -p 1-100 --seed 6 "$@" 198.19.0.0/24 | grep -v '^#' | cut -f2,3; }
dry >"$WORK_DIR/all.tsv"
for k in 1 2 3; do dry --shard "$k/3" >"$WORK_DIR/shard$k.tsv"; done
[ "$(wc -l <"$WORK_DIR/all.tsv")" -eq 25600 ] || die "the unsharded dry run lists $(wc -l <"$WORK_DIR/all.tsv") probes, not 25600"
cat "$WORK_DIR"/shard?.tsv | sort >"$WORK_DIR/union.tsv"
[ -z "$(uniq -d "$WORK_DIR/union.tsv")" ] || die "shards overlap"
sort "$WORK_DIR/all.tsv" | cmp -s - "$WORK_DIR/union.tsv" || die "the shards' union differs from the whole scan"
# The order differs between shards but each is still spread over all hosts.
hosts=$(head -300 "$WORK_DIR/shard1.tsv" | cut -f1 | sort -u | wc -l)
[ "$hosts" -gt 150 ] || die "shard 1's first 300 probes touch only $hosts hosts"

ports="1-30,80,443,1000-1100,3306,8080,65535"
for k in 1 2; do
  say "scanning shard $k/2 of 198.19.0.7-8 -p $ports"
  in_lab 60 "$PORTLENS" scan --syn --shard "$k/2" -p "$ports" --format ndjson --states all \
    --seed 7 --quiet -o "$WORK_DIR/scan$k.ndjson" 198.19.0.7-8 || die "shard $k failed"
done
# One file with every port record of both shards (and no host or summary lines, which are
# per shard) is checked against the truth as if it were one scan.
grep -h '"type":"port"' "$WORK_DIR/scan1.ndjson" "$WORK_DIR/scan2.ndjson" >"$WORK_DIR/union.ndjson"
check_truth --ndjson "$WORK_DIR/union.ndjson" --partial --quiet ||
  die "the sharded scans report wrong states"
# 136 ports on each of the two hosts, each from exactly one shard.
counts=$(python3 -c 'import json,sys,collections; c=collections.Counter((r["ip"],r["port"]) for r in map(json.loads, open(sys.argv[1]))); print(len(c), sum(1 for v in c.values() if v>1))' "$WORK_DIR/union.ndjson")
[ "$counts" = "272 0" ] || die "shards reported (distinct ports, ports twice) = ($counts), expected (272, 0)"
say "PASS: shards are disjoint and complete"
