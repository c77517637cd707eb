#!/usr/bin/env bash
# `portlens sockets -p` against `ss -tanp` and `lsof -nP -iTCP` on a large socket table:
# a private network namespace (only lo, no route out) holding BENCH_CONNECTIONS established
# loopback connections (default 50,000, i.e. 100,000 sockets), spread over helper processes
# of at most 5,000 connections each (a process may hold 20,000 open files here).
#
#   bench/sockets.sh PATH_TO_PORTLENS
#
# Every tool runs BENCH_RUNS times (default 5, after one warm-up) through hyperfine inside the
# namespace; the table gives medians and the ratio to `ss -tanp`. Before timing, the socket
# set and the processes of `portlens sockets -a -p --format json` must equal ss -tanp's.
# Writes the table to bench/results/sockets.md.
set -euo pipefail

BENCH_PART=bench/sockets
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CONNECTIONS=${BENCH_CONNECTIONS:-50000}
PER_HELPER=5000

# No lab here: a private namespace of its own (below), with its own teardown.
bench_check "bench/sockets.sh PATH_TO_PORTLENS" "$@" -- ip ss lsof hyperfine
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must be a positive integer"

NS="pl-bench-sockets-$$"
WORK_DIR=$(mktemp -d /tmp/portlens-bench-sockets.XXXXXX)
pids=()
cleanup() {
  local status=$?
  trap - EXIT
  [ "${#pids[@]}" -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
# Every connection needs its own local port per destination; one destination per helper and
# the widest range keep 5,000 per helper well inside it. Listeners sit below 1024, outside
# that range, so no connection can take their port first.
ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"

helpers=$(((CONNECTIONS + PER_HELPER - 1) / PER_HELPER))
echo "bench/sockets: opening $CONNECTIONS connections in $helpers helper processes" >&2
started=$(date +%s.%N)
left=$CONNECTIONS
for i in $(seq "$helpers"); do
  n=$((left < PER_HELPER ? left : PER_HELPER))
  left=$((left - n))
  ip netns exec "$NS" python3 "$BENCH_DIR/sockets_load.py" --port $((100 + i)) \
    --connections "$n" --ready "$WORK_DIR/ready.$i" &
  pids+=($!)
done
for i in $(seq "$helpers"); do
  while [ ! -f "$WORK_DIR/ready.$i" ]; do
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || die "helper $i exited"
    sleep 0.2
  done
done
echo "bench/sockets: ready after $(echo "$(date +%s.%N) - $started" | bc 2>/dev/null ||
  echo '?') s" >&2

in_ns() { ip netns exec "$NS" "$@"; }
sockets=$(in_ns ss -tan | tail -n +2 | wc -l)
echo "bench/sockets: $sockets sockets in the namespace" >&2

# Same set, same processes, before any timing.
in_ns ss -tanp >"$WORK_DIR/ss.txt"
in_ns "$PORTLENS" sockets -a -p --format json >"$WORK_DIR/portlens.json"
python3 "$REPO_DIR/tests/integration/sockets_compare.py" "$WORK_DIR/portlens.json" \
  "$WORK_DIR/ss.txt" --processes >"$WORK_DIR/compare.txt" ||
  { tail -n 20 "$WORK_DIR/compare.txt" >&2; die "portlens and ss -tanp disagree"; }
identical=$(tail -n 1 "$WORK_DIR/compare.txt")
text_rows=$(in_ns "$PORTLENS" sockets -p | tail -n +2 | wc -l)
ss_rows=$(in_ns ss -tnp | tail -n +2 | wc -l)
[ "$text_rows" -eq "$ss_rows" ] || die "sockets -p lists $text_rows rows, ss -tnp $ss_rows"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
in_ns hyperfine --warmup 1 --runs "$RUNS" --shell=none --style basic \
  --export-json "$WORK_DIR/times.json" \
  -n "portlens sockets -p" "$PORTLENS sockets -p" \
  -n "portlens sockets -a -p" "$PORTLENS sockets -a -p" \
  -n "portlens sockets -a -p --format json" "$PORTLENS sockets -a -p --format json" \
  -n "portlens sockets -a" "$PORTLENS sockets -a" \
  -n "ss -tan" "ss -tan" \
  -n "ss -tanp" "ss -tanp" \
  -n "lsof -nP -iTCP" "lsof -nP -iTCP" \
  -n "portlens who 101" "$PORTLENS who 101" \
  -n "ss -tanpH 'sport = :101'" "ss -tanpH 'sport = :101'" \
  -n "lsof -nP -iTCP:101" "lsof -nP -iTCP:101" >&2

mkdir -p "$BENCH_DIR/results"
{
  echo "# portlens sockets vs ss and lsof: $sockets TCP sockets"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), $CONNECTIONS" \
    "established loopback connections held by $helpers processes in a private namespace;"
  echo "hyperfine, $RUNS runs after a warm-up, output to /dev/null; load average before:" \
    "$LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg). Check before timing:" \
    "\`portlens sockets -a -p --format json\` vs \`ss -tanp\`: $identical, identical sets" \
    "with the same pids."
  echo
  python3 - "$WORK_DIR/times.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = next(r for r in results if r["command"] == "ss -tanp")
base_cpu = base["user"] + base["system"]
# CPU time (user + system, means over the runs) next to wall time: on a shared, loaded
# machine a two-threaded portlens and single-threaded ss get different shares of the cores.
print("| command | median wall s | min / max s | user s | system s | wall ratio vs ss -tanp "
      "| CPU ratio vs ss -tanp |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in results:
    print(f"| `{r['command']}` | {r['median']:.3f} | {r['min']:.3f} / {r['max']:.3f} "
          f"| {r['user']:.3f} | {r['system']:.3f} | {r['median'] / base['median']:.2f} "
          f"| {(r['user'] + r['system']) / base_cpu:.2f} |")
PY
} >"$WORK_DIR/table.md"
cp "$WORK_DIR/table.md" "$BENCH_DIR/results/sockets.md"
echo
cat "$WORK_DIR/table.md"
echo "bench/sockets: table written to bench/results/sockets.md" >&2
