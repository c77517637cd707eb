#!/usr/bin/env bash
# Part of `make bench` (bench/run.sh): Portlens against nmap, full 65535-port TCP connect scan of the lab host
# 198.19.0.7, inside the scanner namespace of a lab this script builds (tests/lab/lab.sh)
# and tears down on exit. Nothing here sends a packet outside the lab.
#
#   bench/connect.sh PATH_TO_PORTLENS
#
# Scenarios: "clean", then "loss2" (the target drops 2% of SYNs). In each, BENCH_RUNS rounds
# (default 5); every round runs, one after the other:
#   portlens          scan --connect -p- --format ndjson --quiet  (stdout to /dev/null)
#   portlens -o FILE  the same with -o FILE (that file gives portlens' accuracy: it lists the
#                     open and filtered ports, every port not listed is taken as closed, and
#                     the host record's counts must add up to 65535)
#   portlens all -o   --states all -o FILE: one record per port, 65535 records written
#   nmap -sT          nmap -sT -T4 -p- -n -Pn (default retries), -oX FILE for its accuracy
# Each run: wall time and peak RSS from /usr/bin/time, accuracy = ports whose state equals
# the truth / 65535. Prints a table (median, min/max wall, peak RSS, accuracy, ratio of
# median wall to nmap's) and writes it to bench/results/connect.md.
# Environment: BENCH_RUNS (default 5), BENCH_SCENARIOS (default "clean loss2").
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCENARIOS=${BENCH_SCENARIOS:-clean loss2}
HOST=198.19.0.7

bench_setup "bench/connect.sh PATH_TO_PORTLENS" "$@" -- nmap
RESULTS="$WORK_DIR/results.tsv"
: >"$RESULTS"

# measure TOOL SCENARIO RUN ACCURACY_SOURCE CMD...: one timed run inside the scanner
# namespace; ACCURACY_SOURCE is "--ndjson FILE", "--xml FILE" or "-" (no accuracy).
measure() {
  local tool=$1 scenario=$2 run=$3 source=$4
  shift 4
  timed 120 "$@"
  local wall=$WALL rss=$RSS accuracy="-"
  # shellcheck disable=SC2086 # "--ndjson FILE" is two words on purpose
  if [ "$source" != "-" ]; then accuracy=$(truth_accuracy $source --host "$HOST"); fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$scenario" "$run" "$wall" "$rss" "$accuracy" \
    >>"$RESULTS"
  printf '  %-18s %-6s run %d: %6.2f s  %7.1f MiB  accuracy %s\n' "$tool" "$scenario" "$run" \
    "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$accuracy" >&2
}

portlens_args=(scan --connect -p- --format ndjson --quiet)
nmap_args=(-sT -T4 -p- -n -Pn)
started=$(date +%s)
for scenario in $SCENARIOS; do
  set_loss "$scenario"
  echo "bench: scenario $scenario, $RUNS rounds" >&2
  for run in $(seq "$RUNS"); do
    measure portlens "$scenario" "$run" - "$PORTLENS" "${portlens_args[@]}" "$HOST"
    rm -f "$WORK_DIR/scan.ndjson"
    measure "portlens -o FILE" "$scenario" "$run" \
      "--ndjson $WORK_DIR/scan.ndjson --unlisted closed" \
      "$PORTLENS" "${portlens_args[@]}" -o "$WORK_DIR/scan.ndjson" "$HOST"
    rm -f "$WORK_DIR/scan.ndjson"
    measure "portlens all -o" "$scenario" "$run" "--ndjson $WORK_DIR/scan.ndjson" \
      "$PORTLENS" "${portlens_args[@]}" --states all -o "$WORK_DIR/scan.ndjson" "$HOST"
    measure "nmap -sT" "$scenario" "$run" "--xml $WORK_DIR/nmap.xml" \
      nmap "${nmap_args[@]}" -oX "$WORK_DIR/nmap.xml" "$HOST"
  done
done
elapsed=$(($(date +%s) - started))

mkdir -p "$BENCH_DIR/results"
{
  echo "# Portlens vs nmap: full TCP connect scan of one lab host"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r)," \
    "portlens $("$PORTLENS" --version 2>/dev/null | head -n 1 || echo "?"), $(nmap --version |
      head -n 1 | sed 's/ ( .*//'), $RUNS runs per tool and scenario, bench took ${elapsed}s."
  echo "Target 198.19.0.7 (tests/lab/truth.tsv), every port 1-65535; loss2 = the target"
  echo "drops 2% of SYNs. Accuracy = ports whose state equals the truth / 65535."
  echo "portlens: \`scan --connect -p- --format ndjson --quiet\` (open and filtered records);"
  echo "portlens all: the same with \`--states all\` (65535 records written to the file);"
  echo "nmap: \`nmap -sT -T4 -p- -n -Pn\`. Ratio = median wall / nmap's median wall."
  echo
  python3 - "$RESULTS" <<'PY'
import statistics
import sys
from collections import OrderedDict

rows = OrderedDict()
for line in open(sys.argv[1]):
    tool, scenario, _, wall, rss, accuracy = line.rstrip("\n").split("\t")
    entry = rows.setdefault((tool, scenario), {"wall": [], "rss": [], "acc": []})
    entry["wall"].append(float(wall))
    entry["rss"].append(int(rss))
    if accuracy not in ("-", ""):
        entry["acc"].append(float(accuracy))

print("| tool | scenario | median wall s | min / max s | peak RSS MiB | accuracy % | ratio vs nmap |")
print("|---|---|---:|---:|---:|---:|---:|")
for (tool, scenario), e in rows.items():
    median = statistics.median(e["wall"])
    nmap = rows.get(("nmap -sT", scenario))
    ratio = median / statistics.median(nmap["wall"]) if nmap else float("nan")
    acc = (f"{min(e['acc']):.4f}" + (f" - {max(e['acc']):.4f}" if max(e["acc"]) != min(e["acc"]) else "")
           if e["acc"] else "n/a (stdout)")
    print(f"| {tool} | {scenario} | {median:.2f} | {min(e['wall']):.2f} / {max(e['wall']):.2f} "
          f"| {max(e['rss']) / 1024:.1f} | {acc} | {ratio:.2f} |")
PY
} >"$WORK_DIR/table.md"
cp "$WORK_DIR/table.md" "$BENCH_DIR/results/connect.md"
echo
cat "$WORK_DIR/table.md"
echo
echo "bench: table written to bench/results/connect.md" >&2
