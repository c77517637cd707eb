#!/usr/bin/env bash
# `make bench`: every benchmark, each against its peers measured in the same run.
#   bench/run.sh PATH_TO_PORTLENS
# Parts (each prints its table and writes bench/results/<part>.md; this script then joins
# the newest table of every part into bench/results/latest.md):
#   connect  full-range connect scan of one lab host vs nmap -sT      (bench/connect.sh)
#   syn      full-range SYN scan vs nmap -sS; one port over a /16 vs zmap and masscan;
#            memory as the target space grows                        (bench/syn.sh)
#   web      the web service under wrk while 100 clients hold live streams (bench/web.sh)
#   sockets  portlens sockets -p vs ss -tanp vs lsof on 100,000 sockets  (bench/sockets.sh)
#   startup  port 80, sockets and --version on a small table vs ss -tan   (bench/startup.sh)
#   detect   -sV vs nmap -sV on the lab's real Debian daemons: one host (19 services) and
#            256 hosts (4,864 services; nmap alone takes about 32 min here) (bench/detect.sh)
#   metrics  the web service with and without its Prometheus metrics under wrk (bench/metrics.sh)
#   monitors a monitor's 500 runs through the store: DB size vs one run, CPU per run
#            (bench/monitors.sh)
#   alerts   alert latency, finding event committed -> webhook received, p50/p99 (bench/alerts.sh)
#   workers  scan workers on PostgreSQL: probes/s with 1, 2, 4 workers at one per-shard rate,
#            lease overhead (queued -> first lease), full range on SQLite vs PostgreSQL
#            (bench/workers.sh)
# Environment: BENCH_PARTS (default: all parts), plus each part's own variables.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -eq 1 ] || { echo "usage: bench/run.sh PATH_TO_PORTLENS" >&2; exit 2; }
ALL_PARTS="connect syn web sockets startup detect metrics monitors alerts workers"
PARTS=${BENCH_PARTS:-$ALL_PARTS}

mkdir -p "$BENCH_DIR/results"
status=0
for part in $PARTS; do
  [ -x "$BENCH_DIR/$part.sh" ] || { echo "bench: no part '$part'" >&2; exit 2; }
  echo "bench: === $part ===" >&2
  "$BENCH_DIR/$part.sh" "$1" || status=$?
done
# Every part's latest table, also of parts not run this time (each table carries its date).
{
  for part in $ALL_PARTS; do
    [ -f "$BENCH_DIR/results/$part.md" ] && cat "$BENCH_DIR/results/$part.md" && echo
  done
} >"$BENCH_DIR/results/latest.md"
echo "bench: all tables in bench/results/latest.md" >&2
exit "$status"
