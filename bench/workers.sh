#!/usr/bin/env bash
# Scan workers on PostgreSQL (issue 12), in the scanner namespace of a lab this script builds,
# on a throwaway cluster (tests/support/pg_cluster.sh: Unix socket only, fsync off). Every scan
# is a connect scan of a lab host through the API; its times are the API's own timestamps
# (created = queued, started = first shard leased, finished = last shard done, in ms).
#   1. scaling: `serve --workers 0` + N `portlens worker --max-scans 1` (N = 1, 2, 4), one scan
#      of 198.19.0.8 ports 1-$SCALE_PORTS in shards of $SHARD_PAIRS pairs, every shard held to
#      `rate` $RATE probes/s: aggregate = pairs / (finished - started); efficiency =
#      rate_N / (N x rate_1) (goal >= 0.9 at 4 workers);
#   2. lease overhead: $LEASE_SCANS one-shard scans (10 ports) queued one after another while
#      2 workers wait idle: started - created, p50/p99;
#   3. full range: 198.19.0.7 ports 1-65535, no rate, on SQLite with serve's in-process runners
#      vs PostgreSQL with `serve --workers 0` + 1 worker (both with their default 2 runners):
#      created -> finished (goal: PostgreSQL within 1.2x of SQLite); once as one shard (serve's
#      default shard size) and once in $SHARD_PAIRS-pair shards. Both setups run side by side
#      (each idle while the other scans) and their scans alternate in $FULL_REPS pairs (SQLite
#      first in odd pairs, PostgreSQL in even ones), a second's pause before each: the ratio is
#      the median of each pair's, so a change in the machine's load (other sessions share it)
#      falls on both sides of a pair, not on one setup's block;
#   4. live stream: $END_SCANS more full-range scans per store, each followed by an event stream
#      (open ports only): when its `end` event arrives after the scan's finished time.
# Medians of BENCH_WORKERS_RUNS (default 3) runs, BENCH_WORKERS_FULL_RUNS (5) pairs in part 3. Every scan's open ports must equal the lab's
# truth for the range scanned (else exit 1); a missed goal is reported, not an error.
#   bench/workers.sh PATH_TO_PORTLENS
# Environment: BENCH_WORKERS_RUNS (3), BENCH_WORKERS_FULL_RUNS (5), BENCH_WORKERS_RATE (500),
# BENCH_WORKERS_PORTS (8000), BENCH_WORKERS_SHARD_PAIRS (500), BENCH_WORKERS_LEASE_SCANS (50),
# BENCH_WORKERS_END_SCANS (5).
# The rate is low because the 2 cores are shared: a CLI connect scan reached ~6,000 probes/s
# here under load 10, and 4 x 2,000 did not fit (2 workers were no faster than 1).
set -euo pipefail

BENCH_PART=bench/workers
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPS=${BENCH_WORKERS_RUNS:-3}
FULL_REPS=${BENCH_WORKERS_FULL_RUNS:-5}
RATE=${BENCH_WORKERS_RATE:-500}
SCALE_PORTS=${BENCH_WORKERS_PORTS:-8000}
SHARD_PAIRS=${BENCH_WORKERS_SHARD_PAIRS:-500}
LEASE_SCANS=${BENCH_WORKERS_LEASE_SCANS:-50}
END_SCANS=${BENCH_WORKERS_END_SCANS:-5}
# The front ends: one per setup, each on its own port.
declare -A SERVE_PORT=([sqlite]=18191 [pg]=18192) SERVE_TOKEN
PG_CLUSTER="$REPO_DIR/tests/support/pg_cluster.sh"

bench_check "bench/workers.sh PATH_TO_PORTLENS" "$@" -- ip nft curl
for n in "$REPS" "$FULL_REPS" "$RATE" "$SCALE_PORTS" "$SHARD_PAIRS" "$LEASE_SCANS" "$END_SCANS"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_WORKERS_* must be positive integers"
done
bench_lab wk
PIDS=()
PG_DIR=$(mktemp -d /tmp/portlens-bench-pg.XXXXXX)
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
# bench_cleanup exits with the status it finds in $?: the part's, kept across the stops.
trap 'status=$?; stop_all; "$PG_CLUSTER" stop "$PG_DIR" || true; (exit "$status"); bench_cleanup' EXIT
"$PG_CLUSTER" start "$PG_DIR" >/dev/null || die "could not start a PostgreSQL cluster"
PG_URL=$(cat "$PG_DIR/url")
# Started as root, serve and the workers become nobody: the SQLite file's folder is theirs.
chmod 755 "$WORK_DIR"
mkdir -p "$WORK_DIR/sqlite"
chown nobody: "$WORK_DIR/sqlite"
SQLITE_DB="$WORK_DIR/sqlite/portlens.db"
PG_VERSION=$(for d in /usr/lib/postgresql/*/bin/postgres; do basename "${d%/bin/postgres}"; done | tail -n 1)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# use sqlite|pg: the front end that api() and the scans below talk to.
use() {
  BASE="http://127.0.0.1:${SERVE_PORT[$1]}"
  TOKEN=${SERVE_TOKEN[$1]:-}
}

# start_serve sqlite|pg DB [--workers 0]: that setup's front end in the scanner namespace, in
# use from then on.
start_serve() {
  local name=$1 db=$2
  shift 2
  SERVE_TOKEN[$name]=$(ip netns exec "$SCAN_NS" "$PORTLENS" token create \
    --name "bench-$RANDOM" --admin --allow 198.19.0.0/16 --db "$db" 2>/dev/null) ||
    die "token create failed on $db"
  use "$name"
  if [[ $db != postgresql:* ]]; then chown nobody: "$db"* ; fi
  cat >"$WORK_DIR/portlens-$name.toml" <<TOML
listen = "127.0.0.1:${SERVE_PORT[$name]}"
db = "$db"
shard_pairs = ${SERVE_SHARD_PAIRS:-$SHARD_PAIRS}
reverse_dns = false
user = "nobody"
TOML
  ip netns exec "$SCAN_NS" "$PORTLENS" serve --config "$WORK_DIR/portlens-$name.toml" "$@" \
    >>"$WORK_DIR/serve.out" 2>>"$WORK_DIR/serve.err" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    ip netns exec "$SCAN_NS" curl -sf "$BASE/healthz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  tail -n 5 "$WORK_DIR/serve.err" >&2
  die "serve did not come up"
}

# start_workers N PREFIX [--max-scans K]: N `portlens worker` on PostgreSQL (each with its
# default runners unless told); waits until all are registered (GET /api/v1/workers of the
# front end in use lists them alive).
start_workers() {
  local i count=$1 prefix=$2
  shift 2
  for i in $(seq 1 "$count"); do
    ip netns exec "$SCAN_NS" "$PORTLENS" worker --db "$PG_URL" --name "$prefix-w$i" "$@" \
      --user nobody 2>>"$WORK_DIR/workers.err" &
    PIDS+=($!)
  done
  for _ in $(seq 1 100); do
    [ "$(api GET /api/v1/workers | python3 -c '
import json, sys
print(sum(1 for w in json.load(sys.stdin)["workers"] if w["name"].startswith(sys.argv[1] + "-") and w["alive"]))' "$prefix")" = "$count" ] && return
    sleep 0.1
  done
  tail -n 5 "$WORK_DIR/workers.err" >&2
  die "$count workers did not register"
}

api() {  # api GET|POST PATH [JSON]
  if [ "$1" = POST ]; then
    ip netns exec "$SCAN_NS" curl -sf -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "$3" "$BASE$2"
  else
    ip netns exec "$SCAN_NS" curl -sf -H "Authorization: Bearer $TOKEN" "$BASE$2"
  fi
}

# queue_scan JSON: POSTs the scan, prints its id (fails when it cannot; the caller dies).
queue_scan() {
  api POST /api/v1/scans "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# await_done ID JSON: waits until scan ID is final; dies (with the scan) unless it is `done`.
# Polled without starting an interpreter (a python3 a poll took a third of a core from the
# scan it waited for); the times measured are the scan's own, not the poll's.
await_done() {
  local status=""
  for _ in $(seq 1 3000); do
    [[ $(api GET "/api/v1/scans/$1") =~ \"status\":\"([a-z]+)\" ]] && status=${BASH_REMATCH[1]}
    case $status in done | failed | cancelled) break ;; esac
    sleep 0.1
  done
  [ "$status" = "done" ] || die "scan $1 ($2) ended '$status': $(api GET "/api/v1/scans/$1")"
}

# scan JSON: queues it and waits for the end; sets QUEUE_MS (created -> started), RUN_MS
# (started -> finished), TOTAL_MS (created -> finished) and OPEN (open ports in its results).
# Dies unless the scan ends `done`. Not run in a subshell, so that `die` ends the part.
scan() {
  local id times
  id=$(queue_scan "$1") || die "POST /api/v1/scans $1 failed"
  await_done "$id" "$1"
  api GET "/api/v1/scans/$id" >"$WORK_DIR/scan.json"
  api GET "/api/v1/scans/$id/results" >"$WORK_DIR/results.ndjson"
  times=$(python3 - "$WORK_DIR/scan.json" "$WORK_DIR/results.ndjson" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ms = lambda k: round(s[k] * 1000)
open_ports = set()
for line in open(sys.argv[2]):
    if line.strip():
        r = json.loads(line)
        if r.get("state") == "open":
            open_ports.add((r["ip"], r["port"]))
print(ms("started") - ms("created"), ms("finished") - ms("started"),
      ms("finished") - ms("created"), len(open_ports))
PY
  ) || die "scan $id: no timestamps"
  read -r QUEUE_MS RUN_MS TOTAL_MS OPEN <<<"$times"
}

# end_delay JSON: queues the scan, follows its event stream (open ports only: a few events) and
# sets END_DELAY_MS = when the stream's `end` event arrived - the scan's finished time (the
# same machine's clock). Streams poll the store every 200 ms on SQLite; on PostgreSQL the scan's
# last commit notifies every front end (LISTEN portlens_results).
end_delay() {
  local id arrival finished
  id=$(queue_scan "$1") || die "POST /api/v1/scans $1 failed"
  ip netns exec "$SCAN_NS" curl -sN --max-time 300 -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/scans/$id/events?states=open" | python3 -c '
import sys, time
for line in sys.stdin:
    if line.startswith("event: end"):
        print(round(time.time() * 1000))
        break' >"$WORK_DIR/end_arrival" &
  local stream=$!
  await_done "$id" "$1"
  wait "$stream" || true
  arrival=$(cat "$WORK_DIR/end_arrival")
  finished=$(api GET "/api/v1/scans/$id" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["finished"] * 1000))')
  [[ $arrival =~ ^[0-9]+$ ]] || die "scan $id: the event stream sent no end event"
  END_DELAY_MS=$((arrival - finished))
}

truth_open() {  # truth_open IP LAST_PORT [FIRST_PORT]: open ports of the truth in that range
  awk -F'\t' -v ip="$1" -v last="$2" -v first="${3:-1}" \
    '$1 == ip && $3 == "open" && $2 >= first && $2 <= last { n++ } END { print n + 0 }' \
    "$WORK_DIR/truth.tsv"
}
check_open() {  # check_open WHAT GOT WANT
  [ "$2" = "$3" ] || { FAILED+="- $1: $2 open ports, the truth has $3"$'\n'; }
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
FAILED=""

# --- 1. scaling ----------------------------------------------------------------------------------
start_serve pg "$PG_URL" --workers 0
scale_truth=$(truth_open 198.19.0.8 "$SCALE_PORTS")
shards=$(((SCALE_PORTS + SHARD_PAIRS - 1) / SHARD_PAIRS))
declare -A AGG RUNS_TEXT
for n in 1 2 4; do
  rates=()
  for rep in $(seq 1 "$REPS"); do
    start_workers "$n" "s$n-r$rep" --max-scans 1
    scan "{\"targets\":\"198.19.0.8\",\"ports\":\"1-$SCALE_PORTS\",\"mode\":\"connect\",\"rate\":$RATE}"
    run_ms=$RUN_MS
    check_open "scaling, $n worker(s), run $rep" "$OPEN" "$scale_truth"
    rates+=("$(python3 -c "print(round($SCALE_PORTS / ($run_ms / 1000)))")")
    echo "bench/workers: $n worker(s) run $rep: $SCALE_PORTS pairs in $run_ms ms" >&2
    # Only this run's workers lease the next scan: stop them (serve stays).
    for _ in $(seq 1 "$n"); do
      kill -TERM "${PIDS[-1]}" 2>/dev/null || true
      wait "${PIDS[-1]}" 2>/dev/null || true
      unset 'PIDS[-1]'
    done
  done
  AGG[$n]=$(median "${rates[@]}")
  RUNS_TEXT[$n]="${rates[*]}"
done

# --- 2. lease overhead ---------------------------------------------------------------------------
start_workers 2 lease --max-scans 1
lease_truth=$(truth_open 198.19.0.8 8009 8000)
queue=()
for i in $(seq 1 "$LEASE_SCANS"); do
  scan '{"targets":"198.19.0.8","ports":"8000-8009","mode":"connect"}'
  check_open "lease overhead scan $i" "$OPEN" "$lease_truth"
  queue+=("$QUEUE_MS")
  # Queued at a random moment of the workers' idle wait, not right after the last scan ended.
  sleep "0.$((RANDOM % 5))"
done
read -r LEASE_P50 LEASE_P99 LEASE_MAX < <(printf '%s\n' "${queue[@]}" | python3 -c '
import sys, statistics
v = sorted(int(x) for x in sys.stdin.read().split())
q = statistics.quantiles(v, n=100, method="inclusive")
print(round(q[49]), round(q[98]), v[-1])')
stop_all

# --- 3. full range: SQLite in-process vs PostgreSQL + 1 worker -----------------------------------
# Twice: with serve's default shard size (65,536 pairs: the scan is one shard, as a user gets it)
# and in $SHARD_PAIRS-pair shards (132 of them: what the store does per shard, 132 times).
full_truth=$(truth_open 198.19.0.7 65535)
FULL='{"targets":"198.19.0.7","ports":"1-65535","mode":"connect"}'
FULL_SIZES=(65536 "$SHARD_PAIRS")
declare -A FULL_MS FULL_RUN FULL_RATIO END_MS END_RUN
for pairs in "${FULL_SIZES[@]}"; do
  SERVE_SHARD_PAIRS=$pairs start_serve sqlite "$SQLITE_DB"
  SERVE_SHARD_PAIRS=$pairs start_serve pg "$PG_URL" --workers 0
  start_workers 1 "full$pairs"
  declare -A totals=([sqlite]="" [pg]="")
  ratios=()
  declare -A pair_ms
  for rep in $(seq 1 "$FULL_REPS"); do
    # Which setup goes first alternates too: what a scan leaves behind does not always fall on
    # the same side.
    order="sqlite pg"
    ((rep % 2 == 0)) && order="pg sqlite"
    for store in $order; do
      use "$store"
      sleep 1  # what the last scan left behind (a WAL checkpoint, autovacuum) is not timed
      scan "$FULL"
      check_open "full range on $store, shards of $pairs, run $rep" "$OPEN" "$full_truth"
      totals[$store]+="$TOTAL_MS "
      pair_ms[$store]=$TOTAL_MS
      echo "bench/workers: full range on $store, shards of $pairs, run $rep: $TOTAL_MS ms, of which $QUEUE_MS queued ($OPEN open)" >&2
    done
    ratios+=("$(python3 -c "print(f'{${pair_ms[pg]} / ${pair_ms[sqlite]}:.3f}')")")
  done
  for store in sqlite pg; do
    # shellcheck disable=SC2086  # the runs, one word each
    FULL_MS[$store$pairs]=$(median ${totals[$store]})
    FULL_RUN[$store$pairs]="${totals[$store]% }"
  done
  FULL_RATIO[$pairs]=$(median "${ratios[@]}")
  if [ "$pairs" = "$SHARD_PAIRS" ]; then  # untimed scans: a stream's CPU would count above
    for store in sqlite pg; do
      use "$store"
      delays=()
      for rep in $(seq 1 "$END_SCANS"); do
        end_delay "$FULL"
        delays+=("$END_DELAY_MS")
      done
      END_MS[$store]=$(median "${delays[@]}")
      END_RUN[$store]="${delays[*]}"
    done
  fi
  stop_all
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table -----------------------------------------------------------------------------------
eff() { python3 -c "print(f'{$1 / ($2 * $3):.2f}')"; }
eff4=$(eff "${AGG[4]}" 4 "${AGG[1]}")
goal() { python3 -c "print('met' if $1 else 'MISSED')"; }
{
  echo "## Scan workers on PostgreSQL (bench/workers.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $LOAD_BEFORE before and"
  echo "$LOAD_AFTER after (other sessions share this machine). Connect scans of lab hosts through"
  echo "the API in the lab's scanner namespace; PostgreSQL $PG_VERSION from"
  echo "tests/support/pg_cluster.sh (Unix socket, fsync and synchronous_commit off). Times are the"
  echo "scan's own timestamps: created (queued), started (first shard leased), finished. Medians of"
  echo "$REPS runs; the full-range scans of the two setups alternate ($FULL_REPS pairs)."
  echo
  echo "| measure | setup | result | goal |"
  echo "|---|---|---:|---|"
  for n in 1 2 4; do
    printf '| aggregate probes/s, %s worker(s) | 198.19.0.8:1-%s, %s shards, rate %s/shard (runs: %s) | %s | %s |\n' \
      "$n" "$SCALE_PORTS" "$shards" "$RATE" "${RUNS_TEXT[$n]}" "${AGG[$n]}" \
      "$([ "$n" = 1 ] && echo "-" || echo "efficiency $(eff "${AGG[$n]}" "$n" "${AGG[1]}")")"
  done
  echo "| scaling efficiency at 4 workers | rate_4 / (4 x rate_1) | $eff4 | >= 0.90: $(goal "$eff4 >= 0.9") |"
  echo "| lease overhead p50 / p99 / max | $LEASE_SCANS one-shard scans, 2 idle workers, started - created | $LEASE_P50 / $LEASE_P99 / $LEASE_MAX ms | - |"
  for pairs in "${FULL_SIZES[@]}"; do
    ratio=$(python3 -c "print(f'{${FULL_RATIO[$pairs]}:.2f}')")
    shards_of=$(((65535 + pairs - 1) / pairs))
    echo "| full range, SQLite, serve's 2 in-process runners | 198.19.0.7:1-65535, $shards_of shard(s) of <= $pairs pairs, created -> finished (runs: ${FULL_RUN[sqlite$pairs]} ms) | ${FULL_MS[sqlite$pairs]} ms | - |"
    echo "| full range, PostgreSQL, 1 worker (2 runners) | same (runs: ${FULL_RUN[pg$pairs]} ms) | ${FULL_MS[pg$pairs]} ms | - |"
    echo "| PostgreSQL / SQLite, $shards_of shard(s) | median of the $FULL_REPS pairs' ratios (each pair run back to back, alternating which goes first) | ${ratio}x | <= 1.2x: $(goal "$ratio <= 1.2") |"
  done
  echo "| live stream: end event after the scan's finish, SQLite (polls every 200 ms) | $END_SCANS full-range scans in $SHARD_PAIRS-pair shards, stream of open ports (runs: ${END_RUN[sqlite]} ms) | ${END_MS[sqlite]} ms | - |"
  echo "| live stream: end event after the scan's finish, PostgreSQL (NOTIFY) | same, front end with --workers 0, 1 worker (runs: ${END_RUN[pg]} ms) | ${END_MS[pg]} ms | - |"
  echo
  echo "Correctness: every scan's open ports equal the lab truth for its range ($scale_truth open in"
  echo "1-$SCALE_PORTS of 198.19.0.8, $lease_truth in 8000-8009, $full_truth in 1-65535 of 198.19.0.7):"
  if [ -z "$FAILED" ]; then echo "all equal."; else echo "FAILED:"; printf '%s' "$FAILED"; fi
} >"$WORK_DIR/workers.md"
mkdir -p "$BENCH_DIR/results"
cp "$WORK_DIR/workers.md" "$BENCH_DIR/results/workers.md"
cat "$WORK_DIR/workers.md"
[ -z "$FAILED" ] || die "a scan's open ports differ from the lab truth"
