#!/usr/bin/env bash
# Issue 11's end-to-end alert test: a monitor of `portlens serve` runs every 5 s on its lab
# scanner namespace's own loopback (a private namespace: nothing leaves it) with a webhook and
# a real Prometheus Alertmanager as destinations, both started here in that namespace.
#  1. The API: a destination outside alert_destinations is 403 for a non-admin token, a
#     malformed one 400; inside the allow list the monitor is created.
#  2. A listener the test opens: the webhook gets finding_opened for exactly that port within
#     two periods (10 s), signed with the monitor's secret; Alertmanager lists it as firing.
#  3. Closing it: finding_resolved within two periods; Alertmanager no longer lists it.
#   alerts_monitor.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"

require_portlens "${1:-}"
require_lab_tools curl prometheus-alertmanager
/usr/bin/python3 -c 'import http.server' || skip "needs Debian's python3"
lab_up almon
HOOK_PORT=18601 AM_PORT=19093 SECRET="hook-secret-$$"
web_config
# A top-level key: before the config's first table.
sed -i "1i alert_destinations = [\"http://127.0.0.1:$HOOK_PORT/hook\", \"http://127.0.0.1:$AM_PORT\"]" \
  "$WORK_DIR/portlens.toml"
# The lab token may also watch this namespace's loopback.
sed -i 's|^allow = \["198.19.0.0/16"|allow = ["127.0.0.1/32", "198.19.0.0/16"|' "$WORK_DIR/portlens.toml"
LAB=$(token_create lab)
[ -n "$LAB" ] || die "token create failed"

mine=()
stop_mine() {
  local pid
  for pid in "${mine[@]}"; do kill "$pid" 2>/dev/null || true; done
  serve_stop KILL 2>/dev/null || true
}
trap 'status=$?; stop_mine; (exit $status); lab_cleanup' EXIT

ip netns exec "$SCAN_NS" /usr/bin/python3 "$INTEGRATION_DIR/alert_receivers.py" --lifetime 110 \
  webhook "$HOOK_PORT" "$SECRET" "$WORK_DIR/webhook.jsonl" &
mine+=($!)
printf 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n' >"$WORK_DIR/am.yml"
mkdir -p "$WORK_DIR/am"
ip netns exec "$SCAN_NS" prometheus-alertmanager --config.file="$WORK_DIR/am.yml" \
  --storage.path="$WORK_DIR/am" --web.listen-address="127.0.0.1:$AM_PORT" \
  --cluster.listen-address= >"$WORK_DIR/am.log" 2>&1 &
mine+=($!)
for _ in $(seq 100); do
  in_lab 2 curl -sf "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
in_lab 2 curl -sf "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null || die "alertmanager did not start"
serve_start

# --- 1. the allow list --------------------------------------------------------------------------
PORT=18555 QUIET=18556
monitor_body() {  # monitor_body ALERTS_JSON
  echo "{\"name\":\"loopback\",\"targets\":\"127.0.0.1\",\"ports\":\"$PORT,$QUIET\",\"every\":\"5s\",\"alerts\":$1}"
}
api POST /api/v1/monitors "$(monitor_body '[{"type":"webhook","url":"http://127.0.0.1:9/x","secret":"s"}]')" "$LAB" >/dev/null
{ [ "$HTTP_STATUS" = 403 ] && grep -q destination_forbidden "$WORK_DIR/body"; } ||
  die "a destination outside the allow list: $HTTP_STATUS $(cat "$WORK_DIR/body")"
api POST /api/v1/monitors "$(monitor_body '[{"type":"webhook","url":"http://127.0.0.1:18601/hook"}]')" "$LAB" >/dev/null
{ [ "$HTTP_STATUS" = 400 ] && grep -q 'needs a \\"secret\\"' "$WORK_DIR/body"; } ||
  die "a webhook without a secret: $HTTP_STATUS $(cat "$WORK_DIR/body")"
alerts="[{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"secret\":\"$SECRET\"},"
alerts+="{\"type\":\"alertmanager\",\"url\":\"http://127.0.0.1:$AM_PORT\"}]"
api POST /api/v1/monitors "$(monitor_body "$alerts")" "$LAB" >/dev/null
[ "$HTTP_STATUS" = 201 ] || die "create monitor: $HTTP_STATUS $(cat "$WORK_DIR/body")"
MID=$(json_field '["id"]' <"$WORK_DIR/body")
grep -q "$SECRET" "$WORK_DIR/body" && say "note: the monitor's view shows the webhook secret"

baseline_done() {
  api GET "/api/v1/monitors/$MID" "" "$LAB" | python3 -c 'import json,sys
d = json.load(sys.stdin); sys.exit(0 if d["last_run"] and d["last_run"]["status"] == "done" else 1)'
}
for _ in $(seq 100); do baseline_done && break; sleep 0.2; done
baseline_done || die "the baseline run did not finish"

# hook_events EVENT: "port signature_valid" of each webhook delivery of EVENT.
hook_events() {
  [ -f "$WORK_DIR/webhook.jsonl" ] || return 0
  python3 - "$WORK_DIR/webhook.jsonl" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["body"]["event"] == sys.argv[2]:
        print(r["body"]["finding"]["port"], r["signature_valid"], r["body"]["monitor"]["name"])
PY
}
am_firing() {
  in_lab 5 curl -sf "http://127.0.0.1:$AM_PORT/api/v2/alerts?active=true" | python3 -c 'import json,sys
print(" ".join(sorted(a["labels"]["port"] for a in json.load(sys.stdin)
                      if a["labels"]["alertname"] == "PortlensFinding")))'
}
# within SECONDS WHAT COMMAND...: polls until COMMAND succeeds; prints the seconds it took.
within() {
  local limit=$1 what=$2 start=$SECONDS
  shift 2
  while ((SECONDS - start <= limit)); do
    if "$@"; then
      echo $((SECONDS - start))
      return 0
    fi
    sleep 0.2
  done
  die "$what: not within $limit s (webhook: $(cat "$WORK_DIR/webhook.jsonl" 2>/dev/null))"
}
got_hook() { [ "$(hook_events "$1")" = "$2 True loopback" ]; }
firing_is() { [ "$(am_firing)" = "$1" ]; }

# --- 2. a new listener ----------------------------------------------------------------------------
[ -z "$(hook_events finding_opened)" ] || die "alerts before any change: $(hook_events finding_opened)"
ip netns exec "$SCAN_NS" python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $PORT)); s.listen(16)
time.sleep(100)" &
listener=$!
mine+=("$listener")
took=$(within 10 "finding_opened for $PORT at the webhook" got_hook finding_opened "$PORT")
say "alerts_monitor: finding_opened for port $PORT at the webhook after ${took} s, signature valid"
within 5 "port $PORT firing in Alertmanager" firing_is "$PORT" >/dev/null

# --- 3. closed again ------------------------------------------------------------------------------
kill "$listener"
wait "$listener" 2>/dev/null || true
took=$(within 10 "finding_resolved for $PORT at the webhook" got_hook finding_resolved "$PORT")
say "alerts_monitor: finding_resolved for port $PORT at the webhook after ${took} s"
within 5 "the alert resolved in Alertmanager" firing_is "" >/dev/null
[ "$(hook_events finding_opened)" = "$PORT True loopback" ] ||
  die "webhook finding_opened deliveries: $(hook_events finding_opened)"
say "alerts_monitor: ok"
