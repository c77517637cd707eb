#!/usr/bin/env bash
# The cost of the metrics on the HTTP path: two `portlens serve` at once in a private network
# namespace (unshare -n, lo up), one counting ([metrics] enabled = true, the default) and one not
# (enabled = false: no endpoint, nothing observed), under wrk in alternating runs (the order
# flips every round, so drift in the machine's load hits both alike); medians of
# BENCH_METRICS_ROUNDS rounds (default 5) of BENCH_METRICS_SECONDS (default 3) per path and
# server. Besides req/s and latency (which follow the machine's load), the server's own CPU time
# per request (/proc/PID/stat utime+stime over wrk's request count) is the steadier figure on a
# shared machine. Then a scrape's size and time, and bench/metrics_bench (in-process cost per request)
# when it was built.
#   bench/metrics.sh PATH_TO_PORTLENS
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORTLENS=$(realpath "${1:?usage: bench/metrics.sh PATH_TO_PORTLENS}")
ROUNDS=${BENCH_METRICS_ROUNDS:-5}
SECONDS_EACH=${BENCH_METRICS_SECONDS:-3}
if [ -z "${PORTLENS_IN_NETNS:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench/metrics: needs root (unshare -n)" >&2; exit 1; }
  for tool in wrk curl python3 unshare; do
    command -v "$tool" >/dev/null || { echo "bench/metrics: needs $tool" >&2; exit 1; }
  done
  PORTLENS_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

declare -A serve_pid
start_serve() {  # start_serve NAME PORT ENABLED
  cat >"$work/$1.toml" <<TOML
listen = "127.0.0.1:$2"
db = "$work/$1.db"
http_threads = 2
[metrics]
enabled = $3
TOML
  "$PORTLENS" serve --config "$work/$1.toml" >/dev/null 2>"$work/$1.err" &
  pids+=($!)
  serve_pid[$1]=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "bench/metrics: serve $1 did not start: $(cat "$work/$1.err")" >&2
  exit 1
}
start_serve on 18101 true
start_serve off 18102 false

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

run_wrk() {  # run_wrk PORT PATH PID -> "req/s p50_us p99_us cpu_us_per_request"
  local before after
  before=$(cpu_ticks "$3")
  wrk -t1 -c8 -d"${SECONDS_EACH}s" --latency "http://127.0.0.1:$1$2" >"$work/wrk.txt"
  after=$(cpu_ticks "$3")
  python3 - "$work/wrk.txt" "$((after - before))" "$TICKS" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def us(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value if unit == "us" else value * 1000 if unit == "ms" else value * 1e6
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
cpu_us = int(sys.argv[2]) / int(sys.argv[3]) * 1e6 / max(requests, 1)
print(f"{rps:.0f} {us('50%'):.0f} {us('99%'):.0f} {cpu_us:.1f}")
PY
}

paths=(/healthz /api/v1/ports/https /api/v1/scans)
for round in $(seq "$ROUNDS"); do
  order="on off"
  [ $((round % 2)) -eq 0 ] && order="off on"
  for path in "${paths[@]}"; do
    for which in $order; do
      port=18101
      [ "$which" = off ] && port=18102
      echo "$path $which $(run_wrk "$port" "$path" "${serve_pid[$which]}")" >>"$work/runs.txt"
    done
  done
  echo "bench/metrics: round $round of $ROUNDS done" >&2
done

curl -s -o "$work/scrape.txt" -w '%{time_total}\n' "http://127.0.0.1:18101/metrics" >"$work/scrape_time"
scrape_ms=$(python3 -c "print(f'{float(open(\"$work/scrape_time\").read()) * 1000:.1f}')")
scrape_bytes=$(wc -c <"$work/scrape.txt")
scrape_lines=$(wc -l <"$work/scrape.txt")

micro=""
bench_bin=$(dirname "$PORTLENS")/../../bench/metrics_bench
if [ -x "$bench_bin" ]; then
  for name in httpObserve/threads:1 scrape; do
    micro+=$("$bench_bin" --benchmark_filter="^$name\$" --benchmark_format=csv 2>/dev/null |
      tail -1 | awk -F, '{gsub(/"/, "", $1); printf "%s: %.0f %s CPU;", $1, $4, $5}')
  done
fi

python3 - "$work/runs.txt" "$ROUNDS" "$SECONDS_EACH" "$scrape_ms" "$scrape_bytes" \
  "$scrape_lines" "$micro" >"$BENCH_DIR/results/metrics.md" <<'PY'
import statistics, sys, datetime, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    path, which, rps, p50, p99, cpu = line.split()
    runs[(path, which)].append((float(rps), float(p50), float(p99), float(cpu)))
rounds, seconds, scrape_ms, scrape_bytes, scrape_lines, micro = sys.argv[2:8]
print(f"## GET /metrics: cost on the HTTP path ({datetime.date.today()})\n")
print(f"wrk -t1 -c8, {rounds} alternating rounds of {seconds} s per path and server, medians; "
      "two servers at once in one private namespace, metrics on (default) and off.\n")
print("| path | server CPU us/req on | off | req/s on | off | p50 us on | off | p99 us on | off |")
print("|---|---|---|---|---|---|---|---|---|")
for path in dict.fromkeys(p for p, _ in runs):
    on = [statistics.median(x) for x in zip(*runs[(path, "on")])]
    off = [statistics.median(x) for x in zip(*runs[(path, "off")])]
    print(f"| {path} | {on[3]:.1f} | {off[3]:.1f} | {on[0]:.0f} | {off[0]:.0f} | {on[1]:.0f} | "
          f"{off[1]:.0f} | {on[2]:.0f} | {off[2]:.0f} |")
print(f"\nOne scrape after the runs: {scrape_lines} lines, {scrape_bytes} bytes, {scrape_ms} ms "
      "(curl's total time).")
if micro:
    print("\nIn process (bench/metrics_bench, per iteration):\n")
    for line in filter(None, micro.split(";")):
        print(f"- {line}")
PY
cat "$BENCH_DIR/results/metrics.md"
