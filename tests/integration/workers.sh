#!/usr/bin/env bash
# Scan workers end to end, inside a private network namespace made here (unshare -n, lo up:
# nothing leaves it). `serve --workers 0` queues the scans; two `portlens worker` processes on
# the same SQLite file lease its shards and run them. A connect scan of 127.0.0.1 ports 1-20000
# (20 shards of 1,000 ports, shard_pairs = 1000) through the API, against listeners this test
# opens itself (the ground truth); one worker is killed with -9 in the middle. The scan must
# finish `done` with exactly the truth open, every port recorded once (no duplicate (ip, port)
# row: checked with sqlite3), and GET /api/v1/workers must list both workers with heartbeats
# (the killed one not alive, admin only: 403 for another token). A SYN scan is refused (422)
# while no SYN-capable worker is live and accepted once one is.
#   workers.sh PORTLENS_BIN
set -euo pipefail
bin=${1:?usage: $0 PORTLENS_BIN}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/common.sh
source "$here/common.sh"
if [ -z "${PORTLENS_IN_NETNS:-}" ]; then
  [ "$(id -u)" -eq 0 ] || skip "workers: needs root (unshare -n)"
  command -v unshare >/dev/null || skip "workers: needs unshare"
  command -v curl >/dev/null || skip "workers: needs curl"
  command -v sqlite3 >/dev/null || skip "workers: needs sqlite3"
  PORTLENS_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up

work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP_OUTPUT:-0}" = 1 ]; then say "outputs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

PORT=28690  # outside the scanned range: only the test's listeners are open there
DB="$work/portlens.db"
API="http://127.0.0.1:$PORT/api/v1"
LEASE_MS=1500

# --- ground truth: listeners opened here, spread over the range ------------------------------
truth=$(seq 17 331 19999 | tr '\n' ' ')
# shellcheck disable=SC2086 # one port per argument
/usr/bin/python3 - "$work/listening" $truth <<'PY' &
import socket, sys, time
socks = []
for port in sys.argv[2:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(port)))
    s.listen(64)
    socks.append(s)
open(sys.argv[1], "w").close()
time.sleep(300)
PY
pids+=($!)
for _ in $(seq 50); do [ -e "$work/listening" ] && break; sleep 0.1; done
[ -e "$work/listening" ] || die "listeners did not start"

# --- the front end, scanning nothing itself ----------------------------------------------------
cat >"$work/portlens.toml" <<TOML
listen = "127.0.0.1:$PORT"
db = "$DB"
shard_pairs = 1000
reverse_dns = false
user = "nobody"
TOML
admin=$("$bin" token create --name admin --admin --allow 127.0.0.0/8 --db "$DB" 2>/dev/null)
other=$("$bin" token create --name other --db "$DB" 2>/dev/null)
# Started as root, serve and the workers become nobody (docs/deploy.md, "Privilege model"):
# the database and its folder are theirs.
chown -R nobody: "$work"
"$bin" serve --config "$work/portlens.toml" --workers 0 >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$work/serve.err" >&2; die "serve did not come up"; }

# Bad options: exit 2.
set +e
"$bin" worker --db "$DB" --max-scans 0 2>/dev/null; rc1=$?
"$bin" worker --db "$DB" --lease-ms 5 2>/dev/null; rc2=$?
set -e
{ [ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ]; } || die "bad worker options exited $rc1 and $rc2, not 2"

# --- SYN needs a live SYN-capable runner: serve --workers 0 has none of its own -----------------
# (serve runs as root here, but its web process never holds raw sockets: server/syn_runners.h)
syn_body='{"targets":"127.0.0.1","ports":"17","mode":"syn"}'
code=$(curl -s -o "$work/syn.json" -w '%{http_code}' -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d "$syn_body" "$API/scans")
if [ "$code" != 422 ] || ! grep -q 'no SYN-capable runner' "$work/syn.json"; then
  die "a SYN scan with no SYN-capable worker answered $code $(cat "$work/syn.json"), not 422"
fi

# --- the scan, queued before any worker runs ---------------------------------------------------
created=$(curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"targets":"127.0.0.1","ports":"1-20000","mode":"connect","rate":2500}' "$API/scans")
id=$(echo "$created" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
shards=$(sqlite3 "$DB" "SELECT COUNT(*) FROM shards WHERE scan_id = $id")
[ "$shards" -eq 20 ] || die "scan $id has $shards shards, expected 20"

start_worker() {
  "$bin" worker --db "$DB" --name "$1" --lease-ms "$LEASE_MS" --user nobody 2>>"$work/$1.err" &
  pids+=($!)
}
start_worker w1
w1_pid=$!
start_worker w2
w2_pid=$!

# Kill w1 once it has stored something and holds a lease.
for _ in $(seq 100); do
  held=$(sqlite3 "$DB" "SELECT COUNT(*) FROM shards WHERE worker = 'w1' AND state = 'leased'")
  stored=$(sqlite3 "$DB" "SELECT COUNT(*) FROM results WHERE scan_id = $id")
  [ "$held" -ge 1 ] && [ "$stored" -ge 3000 ] && break
  sleep 0.1
done
[ "$held" -ge 1 ] || die "w1 never held a lease"
say "kill -9 w1 holding $held shard(s), $stored records stored"
kill -9 "$w1_pid"
wait "$w1_pid" 2>/dev/null || true
killed_shard=$(sqlite3 "$DB" "SELECT shard_index FROM shards WHERE worker = 'w1' AND state = 'leased' LIMIT 1")

status=""
for _ in $(seq 400); do
  status=$(curl -sf -H "Authorization: Bearer $admin" "$API/scans/$id" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  if [ "$status" = "done" ] || [ "$status" = "failed" ]; then break; fi
  sleep 0.1
done
[ "$status" = "done" ] || { cat "$work/w2.err" >&2; die "scan $id ended '$status', not done"; }

# --- exactly the truth, every port once ---------------------------------------------------------
open=$(sqlite3 "$DB" "SELECT port FROM results WHERE scan_id = $id AND state = 0 ORDER BY port" | tr '\n' ' ')
[ "$open" = "$truth" ] || die "open ports differ from the listeners: got '$open', want '$truth'"
rows=$(sqlite3 "$DB" "SELECT COUNT(*), COUNT(DISTINCT ip || ':' || port) FROM results WHERE scan_id = $id")
[ "$rows" = "20000|20000" ] || die "results rows|distinct = $rows, expected 20000|20000"
done_count=$(curl -sf -H "Authorization: Bearer $admin" "$API/scans/$id" |
  /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ports_done"] if "ports_done" in d else d["progress"]["ports_done"])' 2>/dev/null || echo "?")
say "scan $id done: $rows rows, ports_done $done_count; shard $killed_shard taken over: $(
  sqlite3 "$DB" "SELECT worker || ' leases ' || leases FROM shards WHERE scan_id = $id AND shard_index = ${killed_shard:-0}")"
[ -z "$killed_shard" ] || [ "$(sqlite3 "$DB" "SELECT worker FROM shards WHERE scan_id = $id AND shard_index = $killed_shard")" = w2 ] ||
  die "the killed worker's shard was not finished by w2"

# --- the workers list ---------------------------------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $other" "$API/workers")
[ "$code" = 403 ] || die "GET /workers with a non-admin token answered $code, not 403"
curl -sf -H "Authorization: Bearer $admin" "$API/workers" >"$work/workers.json"
/usr/bin/python3 - "$work/workers.json" <<'PY' || die "workers list: $(cat "$work/workers.json")"
import json, sys, time
# A front end started as root with runners also lists its SYN runner (serve@HOST/ADDR/syn).
workers = {w["name"]: w for w in json.load(open(sys.argv[1]))["workers"]
           if not w["name"].endswith("/syn")}
assert set(workers) == {"w1", "w2"}, workers
for w in workers.values():
    assert w["capabilities"][0] == "connect", w
    assert abs(w["last_heartbeat"] - time.time()) < 120, w
assert workers["w2"]["alive"] is True, workers["w2"]
assert workers["w1"]["alive"] is False and workers["w1"]["leases"] == 0, workers["w1"]
PY

# w2 started as root keeps CAP_NET_RAW: now a SYN scan is accepted (and cancelled at once).
code=$(curl -s -o "$work/syn.json" -w '%{http_code}' -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d "$syn_body" "$API/scans")
[ "$code" = 202 ] || die "a SYN scan with SYN-capable w2 alive answered $code $(cat "$work/syn.json")"
syn_id=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/syn.json")
curl -s -o /dev/null -X POST -H "Authorization: Bearer $admin" "$API/scans/$syn_id/cancel"

# SIGTERM: w2 stops cleanly.
kill -TERM "$w2_pid"
set +e
wait "$w2_pid"
rc=$?
set -e
[ "$rc" -eq 0 ] || die "worker w2 exited $rc after SIGTERM"
say "PASS: 2 workers, 20 shards, one worker killed: exact result, no duplicate row"
