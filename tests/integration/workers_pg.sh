#!/usr/bin/env bash
# Scan workers on PostgreSQL in the lab (issue 12): a throwaway cluster (tests/support/
# pg_cluster.sh, Unix socket in the work dir: no TCP anywhere), two front ends
# (`serve --workers 0`, A and B, their own configs) and three `portlens worker` processes, all
# in the lab's scanner namespace. A full-range connect scan of two lab hosts (IPv4 and IPv6),
# submitted through A and split into 8 shards (shard_pairs = 16384); in the middle one worker
# is killed with -9, then PostgreSQL is restarted (pg_ctl restart -m fast). Checked:
#  - the scan ends `done`, its results read through B equal the lab's truth (check_truth);
#  - no (scan, ip, port) is stored twice (psql on the cluster);
#  - a client streaming every state from A (SSE) got every stored record exactly once, though
#    the workers wrote through their own connections and the stream's database went away;
#  - both front ends LISTEN on portlens_results (before the scan, and again after the restart);
#  - both front ends answer again after the restart; the workers reconnected (no exit);
#  - GET /api/v1/workers on B lists the three workers, the killed one not alive.
#   workers_pg.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"

require_portlens "${1:-}"
require_lab_tools curl psql runuser
PG_CLUSTER="$INTEGRATION_DIR/../support/pg_cluster.sh"
pg_bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/pg_ctl" ] && pg_bindir=$candidate
done
[ -n "$pg_bindir" ] || skip "no PostgreSQL server (apt-get install postgresql-15)"

lab_up wpg
PG_DIR="$WORK_DIR/pg"
PIDS=()
workers_pg_cleanup() {
  local status=$? pid
  set +e
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$PG_CLUSTER" stop "$PG_DIR" >/dev/null 2>&1 || true
  (exit "$status")
  lab_cleanup
}
trap workers_pg_cleanup EXIT
# The postgres user must reach its cluster inside the (root-only) work dir.
chmod 711 "$WORK_DIR"
set +e
bash "$PG_CLUSTER" start "$PG_DIR" >/dev/null
rc=$?
set -e
[ "$rc" -eq 77 ] && skip "no PostgreSQL cluster could be made here"
[ "$rc" -eq 0 ] || die "pg_cluster.sh start failed ($rc)"
URL=$(cat "$PG_DIR/url")
sql() { psql -X -q -At -h "$PG_DIR" -U postgres -d portlens -c "$1"; }

PORT_A=18081
PORT_B=18082
LEASE_MS=1500
HOSTS=(198.19.0.7 2001:2:0:1::7)
PAIRS=$((65535 * ${#HOSTS[@]}))

# --- two front ends, each with its own config, scanning nothing themselves ---------------
front_config() {  # front_config NAME PORT
  cat >"$WORK_DIR/$1.toml" <<TOML
listen = "127.0.0.1:$2"
db = "$URL"
workers = 0
shard_pairs = 16384
worker_lease_ms = $LEASE_MS
reverse_dns = false
max_probes = 400000
user = "nobody"
[tokens.lab]
allow = ["198.19.0.0/16", "2001:2:0:1::/64"]
TOML
  chmod 644 "$WORK_DIR/$1.toml"
}
front_config a "$PORT_A"
front_config b "$PORT_B"
token() { in_lab 10 "$PORTLENS" token create --db "$URL" --name "$@" 2>/dev/null; }
LAB=$(token lab)
ADMIN=$(token boss --admin)
{ [ -n "$LAB" ] && [ -n "$ADMIN" ]; } || die "token create --db $URL failed"

front_start() {  # front_start NAME PORT
  ip netns exec "$SCAN_NS" "$PORTLENS" serve --config "$WORK_DIR/$1.toml" --workers 0 \
    >>"$WORK_DIR/$1.out" 2>>"$WORK_DIR/$1.err" &
  PIDS+=($!)
  for _ in $(seq 1 50); do
    if in_lab 2 curl -sf "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  cat "$WORK_DIR/$1.err" >&2
  die "front end $1 did not come up"
}
front_start a "$PORT_A"
front_start b "$PORT_B"

# results_listeners N SECONDS: waits until N sessions LISTEN on portlens_results (each front end
# holds one: a worker's commit wakes the streams on every front end), dies otherwise.
results_listeners() {
  local n=""
  for _ in $(seq 1 $(($2 * 10))); do
    n=$(sql "SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN portlens_results'") ||
      true
    [ "$n" = "$1" ] && return 0
    sleep 0.1
  done
  die "$n sessions LISTEN on portlens_results, expected $1 (one per front end)"
}
results_listeners 2 5

# on PORT: api calls go to that front end (web_lib.sh's api uses WEB_PORT).
on() { WEB_PORT=$1; }
# scan_field PORT PATH: a field of the scan through that front end, "" on any error.
scan_field() {
  on "$1"
  api GET "/api/v1/scans/$ID" "" "$LAB" | json_field "$2" 2>/dev/null || true
}

# --- the scan, submitted through A before any worker runs ---------------------------------
on "$PORT_A"
targets="${HOSTS[*]}"
api POST /api/v1/scans "{\"targets\":\"$targets\",\"ports\":\"1-65535\",\"mode\":\"connect\",\"rate\":10000}" "$LAB" >/dev/null
[ "$HTTP_STATUS" = 202 ] || die "POST /api/v1/scans through A: $HTTP_STATUS $(cat "$WORK_DIR/body")"
ID=$(json_field '["id"]' <"$WORK_DIR/body")
shards=$(sql "SELECT count(*) FROM shards WHERE scan_id = $ID")
[ "$shards" -eq 8 ] || die "scan $ID has $shards shards, expected 8"

# A client following every state live through A, in the background.
in_lab 120 curl -sN -H "Authorization: Bearer $LAB" \
  "http://127.0.0.1:$PORT_A/api/v1/scans/$ID/events?states=all" >"$WORK_DIR/events.txt" &
STREAM_PID=$!
PIDS+=("$STREAM_PID")

worker_start() {
  ip netns exec "$SCAN_NS" "$PORTLENS" worker --db "$URL" --name "$1" --max-scans 1 \
    --lease-ms "$LEASE_MS" --connect-only --user nobody >>"$WORK_DIR/$1.out" 2>>"$WORK_DIR/$1.err" &
  PIDS+=($!)
}
declare -A WORKER_PID
for name in w1 w2 w3; do
  worker_start "$name"
  WORKER_PID[$name]=$!
done
started=$(date +%s.%N)

wait_done_over() {  # wait_done_over N SECONDS: ports_done (through B) > N
  local done_now=0
  for _ in $(seq 1 $(($2 * 10))); do
    done_now=$(scan_field "$PORT_B" '["ports_done"]')
    [ "${done_now:-0}" -gt "$1" ] && return 0
    sleep 0.1
  done
  die "scan $ID did not get past $1 ports in $2 s (at ${done_now:-?})"
}

# --- kill -9 of a worker while it holds a lease --------------------------------------------
# Whichever holds one then: which worker is between shards at a given moment is the machine's
# timing, not the test's.
wait_done_over 20000 40
victim=""
for _ in $(seq 1 50); do
  victim=$(sql "SELECT worker FROM shards WHERE scan_id = $ID AND state = 'leased' ORDER BY shard_index LIMIT 1")
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] || die "no worker held a lease after 20000 ports"
kill -9 "${WORKER_PID[$victim]}"
wait "${WORKER_PID[$victim]}" 2>/dev/null || true
say "kill -9 $victim holding a shard at $(scan_field "$PORT_B" '["ports_done"]') ports done"

# --- restart of PostgreSQL in the middle ---------------------------------------------------
wait_done_over 50000 40
before=$(scan_field "$PORT_B" '["ports_done"]')
runuser -u postgres -- "$pg_bindir/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 restart \
  >>"$WORK_DIR/pg_restart.log" 2>&1 || { cat "$PG_DIR/server.log" >&2; die "pg_ctl restart failed"; }
say "PostgreSQL restarted at $before ports done"
# Both front ends answer again (a request may fail while their pooled connections reconnect).
for port in "$PORT_A" "$PORT_B"; do
  ok=0
  for _ in $(seq 1 50); do
    on "$port"
    api GET "/api/v1/scans/$ID" "" "$LAB" >/dev/null
    if [ "$HTTP_STATUS" = 200 ]; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || die "front end on port $port does not answer after the restart: $HTTP_STATUS $(cat "$WORK_DIR/body")"
done

# --- the scan finishes, exact ---------------------------------------------------------------
status=""
for _ in $(seq 1 900); do
  status=$(scan_field "$PORT_A" '["status"]')
  case $status in done | failed | cancelled) break ;; esac
  sleep 0.1
done
elapsed=$(python3 -c "import time; print(round(time.time() - $started, 1))")
[ "$status" = "done" ] || {
  tail -n 5 "$WORK_DIR"/w?.err "$WORK_DIR"/?.err >&2 || true
  die "scan $ID ended '$status', not done"
}
for name in "${!WORKER_PID[@]}"; do
  [ "$name" = "$victim" ] && continue
  kill -0 "${WORKER_PID[$name]}" 2>/dev/null ||
    die "worker $name exited after the restart (see $WORK_DIR/$name.err)"
done
say "scan $ID done in $elapsed s"

on "$PORT_B"
api GET "/api/v1/scans/$ID/results?format=ndjson&states=all" "" "$LAB" >"$WORK_DIR/results.ndjson"
[ "$HTTP_STATUS" = 200 ] || die "GET results through B: $HTTP_STATUS"
host_args=()
for host in "${HOSTS[@]}"; do host_args+=(--host "$host"); done
check_truth --ndjson "$WORK_DIR/results.ndjson" "${host_args[@]}" --expect-summary ||
  die "results through B differ from the lab's truth"
rows=$(sql "SELECT count(*) || '|' || count(DISTINCT (scan_id, ip, port)) FROM results WHERE scan_id = $ID")
[ "$rows" = "$PAIRS|$PAIRS" ] || die "results rows|distinct = $rows, expected $PAIRS|$PAIRS"
api GET "/api/v1/scans/$ID" "" "$LAB" >/dev/null
[ "$(json_field '["ports_done"]' <"$WORK_DIR/body")" = "$PAIRS" ] ||
  die "ports_done through B is not $PAIRS: $(cat "$WORK_DIR/body")"
say "results through B equal the truth: $rows rows, none twice"

# --- the live stream from A: every stored record once, then end ----------------------------
for _ in $(seq 1 100); do
  kill -0 "$STREAM_PID" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$STREAM_PID" 2>/dev/null && die "the event stream did not end after the scan"
check_event_stream "$WORK_DIR/events.txt" "$PAIRS" || die "the event stream from A is wrong"
# Both front ends listen again after the restart (their listening connections were lost).
results_listeners 2 10

# --- the workers list on B -------------------------------------------------------------------
on "$PORT_B"
api GET /api/v1/workers "" "$ADMIN" >"$WORK_DIR/workers.json"
[ "$HTTP_STATUS" = 200 ] || die "GET /api/v1/workers on B: $HTTP_STATUS"
python3 - "$WORK_DIR/workers.json" "$victim" <<'PY' || die "workers list: $(cat "$WORK_DIR/workers.json")"
import json, sys
# Started as root, each front end also runs a SYN runner process (serve@HOST/ADDR/syn):
# listed too; the connect workers are exactly the three started here.
workers = {w["name"]: w for w in json.load(open(sys.argv[1]))["workers"]
           if not w["name"].endswith("/syn")}
assert set(workers) == {"w1", "w2", "w3"}, sorted(workers)
victim = sys.argv[2]
for name, worker in workers.items():
    assert worker["alive"] is (name != victim), (name, worker)
PY
say "PASS: 3 workers, 2 front ends on PostgreSQL; kill -9 and a database restart lost nothing"
