#!/usr/bin/env bash
# Monitors' storage (issue 11): a monitor of 256 hosts x the top 1,000 ports, its runs written
# through the store's own write path (queue, job batches, finishJob: findings, events and the
# previous result's removal in one transaction) with a port changing every 25 runs. Reports the
# database size after all runs against after one (goal: at most 1.5x) and CPU per run.
# No network and no root: the records are made up (bench/monitor_store_bench.cpp).
#   bench/monitors.sh PATH_TO_PORTLENS
# Environment: MONITOR_RUNS (default 500), MONITOR_HOSTS (256), MONITOR_PORTS (1000),
# MONITOR_DB_DIR (default a temporary directory).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -eq 1 ] || { echo "usage: bench/monitors.sh PATH_TO_PORTLENS" >&2; exit 2; }
bench_bin="$(dirname "$(realpath "$1")")/../../bench/monitor_store_bench"
[ -x "$bench_bin" ] || { echo "monitors: build the monitor_store_bench target first" >&2; exit 1; }
runs=${MONITOR_RUNS:-500}
hosts=${MONITOR_HOSTS:-256}
ports=${MONITOR_PORTS:-1000}
dir=$(mktemp -d "${MONITOR_DB_DIR:-${TMPDIR:-/tmp}}/portlens-monitors.XXXXXX")
trap 'rm -rf "$dir"' EXIT

table=$("$bench_bin" "$dir/monitor.db" "$runs" "$hosts" "$ports")
{
  echo "## Monitors: storage grows with change, not with runs ($(date -u +%Y-%m-%d))"
  echo
  echo "$table"
} | tee "$BENCH_DIR/results/monitors.md"
