#!/usr/bin/env bash
# Monitors through a real `portlens serve` in the lab's scanner namespace (issue 11). The
# monitored host is that namespace's own 127.0.0.1 (a private namespace: nothing leaves it).
#  1. a monitor every 5 s of two loopback ports: its first run is the baseline (no finding);
#     a listener the test opens gives exactly one finding_opened (port_opened) for that port,
#     closing it gives exactly one finding_resolved; nothing else is written to the outbox;
#  2. the API: validation errors, tokens only, owner-only visibility, runs, pause/resume,
#     edit, acknowledge, delete.
#   web_monitors.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"

require_portlens "${1:-}"
require_lab_tools curl
lab_up mon
web_config '[tokens.plain]
allow = ["127.0.0.1/32"]'
# The lab token may also watch this namespace's loopback.
sed -i 's|^allow = \["198.19.0.0/16"|allow = ["127.0.0.1/32", "198.19.0.0/16"|' "$WORK_DIR/portlens.toml"
LAB=$(token_create lab)
PLAIN=$(token_create plain)
{ [ -n "$LAB" ] && [ -n "$PLAIN" ]; } || die "token create failed"
serve_start

fails=0

# The outbox as "event kind port" lines, in order (python's sqlite3: no extra package).
events() {
  python3 - "$WORK_DIR/portlens.db" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for event, finding, monitor in db.execute(
        "SELECT event, finding_json, monitor_json FROM finding_events ORDER BY id"):
    f, m = json.loads(finding), json.loads(monitor)
    assert set(m) == {"id", "name", "targets", "ports", "mode"}, m
    print(event, f["kind"], f["port"])
PY
}

# wait_for SECONDS PYTHON_CONDITION_ON_d PATH: polls GET PATH until the condition holds.
wait_for() {
  local limit=$1 condition=$2 path=$3
  for _ in $(seq 1 $((limit * 5))); do
    if api GET "$path" "" "$LAB" | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($condition) else 1)" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

PORT=18555   # the listener the test opens and closes
QUIET=18556  # never opened
# --- 1. a listener opens and closes --------------------------------------------------------
api POST /api/v1/monitors "{\"name\":\"loopback\",\"targets\":\"127.0.0.1\",\"ports\":\"$PORT,$QUIET\",\"every\":\"5s\"}" "$LAB" >/dev/null
expect "create monitor" 201 '"every":"5s"'
MID=$(json_field '["id"]' <"$WORK_DIR/body")
wait_for 20 'd["last_run"] and d["last_run"]["status"] == "done"' "/api/v1/monitors/$MID" ||
  die "the baseline run did not finish: $(cat "$WORK_DIR/body")"
[ -z "$(events)" ] || die "the baseline run wrote events: $(events)"

ip netns exec "$SCAN_NS" python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $PORT)); s.listen(16)
time.sleep(120)" &
LISTENER=$!
opened_at=$SECONDS
wait_for 20 'any(f["finding"]["port"] == '$PORT' for f in d["findings"])' "/api/v1/findings?monitor=$MID&state=open" ||
  die "no finding for the new listener within 20 s"
say "finding_opened after $((SECONDS - opened_at)) s (period 5 s)"
[ "$(events)" = "finding_opened port_opened $PORT" ] || die "outbox after opening: $(events)"
FID=$(json_field '["findings"][0]["id"]' <"$WORK_DIR/body")
sleep 6  # another run with the port still open: no second event
[ "$(events)" = "finding_opened port_opened $PORT" ] || die "outbox while open: $(events)"

kill "$LISTENER"
wait "$LISTENER" 2>/dev/null || true
wait_for 20 'len(d["findings"]) == 1 and d["findings"][0]["state"] == "resolved"' "/api/v1/findings?monitor=$MID&state=resolved" ||
  die "the finding was not resolved after the listener closed"
expected=$(printf 'finding_opened port_opened %s\nfinding_resolved port_opened %s' "$PORT" "$PORT")
[ "$(events)" = "$expected" ] || die "outbox after closing: $(events)"

# --- 2. the API ----------------------------------------------------------------------------
api GET "/api/v1/monitors/$MID/runs" "" "$LAB" >/dev/null
expect "runs" 200 '"status":"done"'
runs=$(json_field '["runs"].__len__()' <"$WORK_DIR/body")
[ "$runs" -ge 3 ] || { echo "FAIL: only $runs runs listed" >&2; fails=$((fails + 1)); }
api POST "/api/v1/findings/$FID/acknowledge" "" "$LAB" >/dev/null
expect "acknowledge" 200 '"acknowledged_by":"lab"'
api PATCH "/api/v1/monitors/$MID" '{"paused":true}' "$LAB" >/dev/null
expect "pause" 200 '"paused":true'
api PATCH "/api/v1/monitors/$MID" '{"cron":"*/15 * * * *","paused":false}' "$LAB" >/dev/null
expect "edit the schedule" 200 '"cron":"*/15 * * * *"'
api GET /api/v1/monitors "" "$LAB" >/dev/null
expect "list" 200 '"open_findings":0'
api GET "/api/v1/monitors/$MID" "" "$PLAIN" >/dev/null
expect "someone else's monitor" 404 "no such monitor"
api GET "/api/v1/findings?monitor=$MID" "" "$PLAIN" >/dev/null
expect "someone else's findings" 404
base='"name":"m","targets":"127.0.0.1","ports":"22"'
api POST /api/v1/monitors "{$base,\"every\":\"5s\"}" "" >/dev/null
expect "anonymous" 401 unauthorized
api POST /api/v1/monitors "{$base,\"every\":\"4s\"}" "$LAB" >/dev/null
expect "every below 5 s" 400 "at least 5s"
api POST /api/v1/monitors "{$base,\"cron\":\"61 * * * *\"}" "$LAB" >/dev/null
expect "bad cron" 400 "minute: values must be 0-59"
api POST /api/v1/monitors "{$base}" "$LAB" >/dev/null
expect "no schedule" 400 invalid_schedule
api POST /api/v1/monitors "{$base,\"every\":\"1m\",\"evry\":1}" "$LAB" >/dev/null
expect "unknown field" 400 "unknown field 'evry'"
api POST /api/v1/monitors "{$base,\"every\":\"1m\",\"alerts\":[{\"url\":\"x\"}]}" "$LAB" >/dev/null
expect "alert without a type" 400 'with a \"type\" string'
api POST /api/v1/monitors "{$base,\"every\":\"1m\",\"policy\":\"hosts: 3\"}" "$LAB" >/dev/null
expect "bad policy" 400 invalid_policy
# A special range the token is not allowed (only refusals here: no address outside this
# namespace is ever given to a monitor that could run).
api POST /api/v1/monitors '{"name":"m","targets":"10.0.0.1","ports":"53","every":"1m"}' "$LAB" >/dev/null
expect "a target outside the token's rights" 403 "private network"
api DELETE "/api/v1/monitors/$MID" "" "$LAB" >/dev/null
expect "delete" 200 '"deleted"'
api GET "/api/v1/monitors/$MID" "" "$LAB" >/dev/null
expect "deleted monitor" 404

serve_stop || true
[ "$fails" -eq 0 ] || die "$fails API check(s) failed"
say "monitors: finding opened and resolved once for port $PORT; API checks passed"
