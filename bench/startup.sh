#!/usr/bin/env bash
# Start-up cost of small commands: `portlens port 80`, `portlens sockets` and
# `portlens --version` against `ss -tan`, measured in the same run, inside a private network
# namespace (`unshare -n`, only lo up) so the socket table is small and the machine's own
# sockets do not count.
#
#   bench/startup.sh PATH_TO_PORTLENS
#
# hyperfine -N (no shell) runs each command BENCH_STARTUP_RUNS times (default 300) in
# BENCH_STARTUP_ROUNDS rounds (default 5, each after 10 warm-ups), so a burst of the
# machine's other load falls on every command rather than on the one being timed; the table
# gives medians over all runs. Wall time of a few milliseconds still swings with that load,
# so CPU time is reported too: hyperfine's user + system means and, when perf is installed,
# `perf stat`'s task-clock and page faults (means over the same number of runs).
# Ratios are to `ss -tan`. Writes the table to bench/results/startup.md.
set -euo pipefail

BENCH_PART=bench/startup
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-300}
ROUNDS=${BENCH_STARTUP_ROUNDS:-5}

bench_check "bench/startup.sh PATH_TO_PORTLENS" "$@" -- ip ss unshare hyperfine
[[ $STARTUP_RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_STARTUP_RUNS must be a positive integer"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_STARTUP_ROUNDS must be a positive integer"

if [ -z "${BENCH_STARTUP_IN_NAMESPACE:-}" ]; then
  WORK_DIR=$(mktemp -d /tmp/portlens-bench-startup.XXXXXX)
  trap 'rm -rf "$WORK_DIR"' EXIT
fi
trap 'exit 130' INT TERM HUP

names=("portlens port 80" "portlens sockets" "portlens --version" "ss -tan")  # ss -tan last
commands=("$PORTLENS port 80" "$PORTLENS sockets" "$PORTLENS --version" "ss -tan")

# measure: runs in the private namespace (below), which ends with that one process.
measure() {
  local args=() i round
  ip link set lo up
  for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
  for round in $(seq "$ROUNDS"); do
    echo "bench/startup: round $round of $ROUNDS" >&2
    hyperfine -N --warmup 10 --runs $(((STARTUP_RUNS + ROUNDS - 1) / ROUNDS)) --style none \
      --export-json "$WORK_DIR/times.$round.json" "${args[@]}" >/dev/null
  done
  command -v perf >/dev/null || return 0
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086  # the command line is split into its words on purpose
    # A perf that cannot count here (no matching kernel build) leaves those columns empty.
    perf stat -x, -e task-clock,page-faults -r "$STARTUP_RUNS" ${commands[$i]} \
      2>"$WORK_DIR/perf.$i" >/dev/null || rm -f "$WORK_DIR/perf.$i"
  done
}

if [ "${BENCH_STARTUP_IN_NAMESPACE:-}" = 1 ]; then
  measure
  exit 0
fi
BENCH_STARTUP_IN_NAMESPACE=1 WORK_DIR=$WORK_DIR unshare -n "${BASH_SOURCE[0]}" "$PORTLENS" ||
  die "the measurement in a private namespace failed"

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$BENCH_DIR/results"
{
  echo "# Start-up of small commands vs ss -tan"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r); a private network" \
    "namespace with only lo up (a socket table of 0 entries); hyperfine -N, $STARTUP_RUNS runs" \
    "in $ROUNDS rounds (10 warm-ups each), medians over all runs, output to /dev/null;" \
    "task-clock and page faults: perf stat," \
    "$STARTUP_RUNS runs (means). Load average after: $LOAD."
  echo
  python3 - "$WORK_DIR" "${#names[@]}" <<'PY'
import glob, json, os, statistics, sys
work, count = sys.argv[1], int(sys.argv[2])
rounds = [json.load(open(path))["results"] for path in sorted(glob.glob(f"{work}/times.*.json"))]
# One result per command over every round: all run times, mean user and system time.
results = []
for i in range(count):
    times = [t for r in rounds for t in r[i]["times"]]
    results.append({"command": rounds[0][i]["command"], "median": statistics.median(times),
                    "min": min(times), "max": max(times),
                    "user": statistics.mean(r[i]["user"] for r in rounds),
                    "system": statistics.mean(r[i]["system"] for r in rounds)})

def perf(i):
    """(task-clock ms, page faults) from perf stat -x, output, or None."""
    path = os.path.join(work, f"perf.{i}")
    if not os.path.exists(path):
        return None
    values = {}
    for line in open(path):
        fields = line.strip().split(",")
        if len(fields) > 2 and fields[0] and fields[0][0].isdigit():
            values[fields[2]] = float(fields[0])
    if "task-clock" not in values or "page-faults" not in values:
        return None
    return values["task-clock"], values["page-faults"]

base = results[count - 1]  # ss -tan, listed last
base_cpu = base["user"] + base["system"]
base_perf = perf(count - 1)
print("| command | median wall ms | min / max ms | user + sys ms | wall ratio vs ss -tan "
      "| CPU ratio vs ss -tan | task-clock ms | page faults | task-clock ratio |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for i, r in enumerate(results):
    cpu = r["user"] + r["system"]
    p = perf(i)
    perf_cells = (f"{p[0]:.2f} | {p[1]:.0f} | {p[0] / base_perf[0]:.2f}"
                  if p and base_perf else "- | - | -")
    print(f"| `{r['command']}` | {r['median'] * 1e3:.2f} | {r['min'] * 1e3:.2f} / "
          f"{r['max'] * 1e3:.2f} | {cpu * 1e3:.2f} | {r['median'] / base['median']:.2f} "
          f"| {cpu / base_cpu:.2f} | {perf_cells} |")
PY
} >"$WORK_DIR/table.md"
cp "$WORK_DIR/table.md" "$BENCH_DIR/results/startup.md"
echo
cat "$WORK_DIR/table.md"
echo "bench/startup: table written to bench/results/startup.md" >&2
