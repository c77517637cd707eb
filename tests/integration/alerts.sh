#!/usr/bin/env bash
# Alert deliveries of `portlens serve` end to end, inside a private network namespace made here
# (unshare -n, lo up: nothing leaves it). Finding events are written into the server's database
# as the monitors write them (the finding_events contract, alerts/outbox.h); the server's
# dispatcher delivers them to a webhook receiver that checks the HMAC signature, a real
# Prometheus Alertmanager (Debian prometheus-alertmanager) on its own port and config, an SMTP
# server (aiosmtpd) and a syslog socket, all on loopback and started here.
#   1. finding_opened reaches all four; Alertmanager shows the alert firing with its labels.
#   2. finding_resolved reaches all four; Alertmanager no longer lists it as active.
#   3. With the webhook receiver down, an event is attempted, the server is killed with -9,
#      the receiver comes back, the server restarts: the event is delivered exactly once and
#      nothing delivered before is sent again (also after one more restart).
#   alerts.sh PORTLENS_BIN
set -euo pipefail
bin=${1:?usage: $0 PORTLENS_BIN}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/common.sh
source "$here/common.sh"
if [ -z "${PORTLENS_IN_NETNS:-}" ]; then
  [ "$(id -u)" -eq 0 ] || skip "alerts: needs root (unshare -n)"
  command -v unshare >/dev/null || skip "alerts: needs unshare"
  command -v prometheus-alertmanager >/dev/null || skip "alerts: needs prometheus-alertmanager"
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || skip "alerts: needs python3-aiosmtpd"
  command -v curl >/dev/null || skip "alerts: needs curl"
  PORTLENS_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up

work=$(mktemp -d)
pids=()
webhook_pid=""
serve_pid=""
cleanup() {
  local pid
  for pid in "${pids[@]}" $webhook_pid $serve_pid; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

SERVE_PORT=18680 WEBHOOK_PORT=18601 SMTP_PORT=18625 AM_PORT=19093
SECRET="s3cret-$$"
DB="$work/portlens.db"
receivers=("$here/alert_receivers.py" --lifetime 300)

# --- receivers --------------------------------------------------------------------------------
/usr/bin/python3 "${receivers[@]}" smtp "$SMTP_PORT" "$work/mail.jsonl" 2>"$work/smtp.err" &
pids+=($!)
/usr/bin/python3 "${receivers[@]}" syslog "$work/syslog.sock" "$work/syslog.jsonl" &
pids+=($!)
webhook_start() {
  /usr/bin/python3 "${receivers[@]}" webhook "$WEBHOOK_PORT" "$SECRET" "$work/webhook.jsonl" &
  webhook_pid=$!
}
webhook_start
mkdir -p "$work/am"
cat >"$work/am.yml" <<'YAML'
route:
  receiver: blackhole
receivers:
  - name: blackhole
YAML
prometheus-alertmanager --config.file="$work/am.yml" --storage.path="$work/am" \
  --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
  >"$work/am.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null 2>&1 &&
    curl -s -o /dev/null "http://127.0.0.1:$WEBHOOK_PORT/" 2>/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null || { cat "$work/am.log" >&2; die "alertmanager did not start"; }

# --- the server -------------------------------------------------------------------------------
cat >"$work/portlens.toml" <<TOML
listen = "127.0.0.1:$SERVE_PORT"
db = "$DB"
user = "nobody"
TOML
serve_start() {
  chown -R nobody: "$work"  # serve drops root to this user (docs/deploy.md)
  "$bin" serve --config "$work/portlens.toml" >>"$work/serve.out" 2>>"$work/serve.err" &
  serve_pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$SERVE_PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$work/serve.err" >&2
  die "portlens serve did not come up"
}

# The finding_events table as the monitors create it (the contract); IF NOT EXISTS so the test
# keeps working once the monitors' own migration creates it first.
sql() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=10)
rows=c.execute(sys.argv[2], sys.argv[3:]).fetchall(); c.commit()
print("\n".join("|".join(map(str, r)) for r in rows))' "$DB" "$@"; }

serve_start
sql "CREATE TABLE IF NOT EXISTS finding_events(id INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor_id INTEGER NOT NULL, finding_id INTEGER NOT NULL,
  event TEXT NOT NULL CHECK(event IN ('finding_opened','finding_resolved')),
  scan_id INTEGER, at_ms INTEGER NOT NULL, finding_json TEXT NOT NULL,
  monitor_json TEXT NOT NULL)" >/dev/null

monitor_json=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"id": 1, "name": "dmz",
  "every": "5s", "alerts": [
  {"type": "webhook", "url": "http://127.0.0.1:%s/hook" % sys.argv[1], "secret": sys.argv[2]},
  {"type": "alertmanager", "url": "http://127.0.0.1:%s" % sys.argv[3]},
  {"type": "syslog", "facility": "local3", "socket": sys.argv[4]},
  {"type": "email", "to": ["ops@example.test"], "from": "portlens@example.test",
   "smtp": "127.0.0.1:%s" % sys.argv[5]}]}))' \
  "$WEBHOOK_PORT" "$SECRET" "$AM_PORT" "$work/syslog.sock" "$SMTP_PORT")

# add_event EVENT PORT FINDING_ID: prints the event id.
add_event() {
  local finding
  finding="{\"id\":$3,\"kind\":\"port_opened\",\"ip\":\"198.19.0.7\",\"port\":$2,\"state\":\"open\",\"detail\":\"port $2 opened\"}"
  sql "INSERT INTO finding_events(monitor_id, finding_id, event, scan_id, at_ms, finding_json,
       monitor_json) VALUES (1, ?, ?, 7, CAST(strftime('%s','now') AS INTEGER) * 1000, ?, ?)
       RETURNING id" "$3" "$1" "$finding" "$monitor_json"
}
count_lines() { if [ -f "$1" ]; then grep -c "$2" "$1" || true; else echo 0; fi; }
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds.
wait_for() {
  local limit=$1 what=$2
  shift 2
  for _ in $(seq $((limit * 10))); do "$@" && return 0; sleep 0.1; done
  cat "$work/serve.err" >&2
  die "timed out waiting for $what"
}
delivered_everywhere() {
  local id=$1
  [ "$(count_lines "$work/webhook.jsonl" "\"delivery\": \"e$id-d0\"")" -ge 1 ] &&
    [ "$(count_lines "$work/syslog.jsonl" "event_id=\\\\\"$id\\\\\"")" -ge 1 ] &&
    [ "$(count_lines "$work/mail.jsonl" "e$id-d3")" -ge 1 ] &&
    [ "$(sql "SELECT COUNT(*) FROM alert_deliveries WHERE event_id = ? AND state = 'delivered'" "$id")" = 4 ]
}
am_active_ports() {
  curl -sf "http://127.0.0.1:$AM_PORT/api/v2/alerts?active=true&silenced=false&inhibited=false" |
    /usr/bin/python3 -c 'import json,sys
print(" ".join(sorted(a["labels"]["port"] for a in json.load(sys.stdin)
                      if a["labels"].get("alertname") == "PortlensFinding")))'
}

# --- 1. opened ----------------------------------------------------------------------------------
say "alerts: finding_opened to webhook, Alertmanager, syslog and mail"
opened=$(add_event finding_opened 8080 41)
wait_for 10 "finding_opened everywhere" delivered_everywhere "$opened"
/usr/bin/python3 - "$work" "$opened" <<'PY'
import json, sys
work, event_id = sys.argv[1], int(sys.argv[2])
hooks = [json.loads(l) for l in open(f"{work}/webhook.jsonl")]
hook = [h for h in hooks if h["delivery"] == f"e{event_id}-d0"]
assert len(hook) == 1, hooks
hook = hook[0]
assert hook["signature_valid"], hook
assert hook["path"] == "/hook", hook
body = hook["body"]
assert body["event"] == "finding_opened" and body["event_id"] == event_id, body
assert body["finding"]["port"] == 8080 and body["finding"]["ip"] == "198.19.0.7", body
assert body["monitor"]["name"] == "dmz" and "alerts" not in body["monitor"], body
assert body["scan_id"] == 7 and body["at"].endswith("Z"), body
line = [json.loads(l)["line"] for l in open(f"{work}/syslog.jsonl")][0]
assert line.startswith("<156>1 "), line  # local3 (19) * 8 + warning (4)
assert f'event_id="{event_id}" kind="port_opened" ip="198.19.0.7" port="8080"' in line, line
mail = [json.loads(l) for l in open(f"{work}/mail.jsonl")][0]
assert mail["mail_from"] == "portlens@example.test", mail
assert mail["rcpt_tos"] == ["ops@example.test"], mail
assert "Subject: [Portlens] finding_opened: port_opened 198.19.0.7:8080 (monitor dmz)" in mail["data"]
PY
am_firing() { [ "$(am_active_ports)" = "$1" ]; }
wait_for 10 "port 8080 firing in Alertmanager" am_firing 8080
curl -sf "http://127.0.0.1:$AM_PORT/api/v2/alerts" | /usr/bin/python3 -c 'import json,sys
a = [x for x in json.load(sys.stdin) if x["labels"]["alertname"] == "PortlensFinding"][0]
assert a["labels"] == {"alertname": "PortlensFinding", "kind": "port_opened", "ip": "198.19.0.7",
                       "port": "8080", "monitor": "dmz"}, a["labels"]
assert a["status"]["state"] == "active", a' || die "Alertmanager alert labels"

# --- 2. resolved --------------------------------------------------------------------------------
say "alerts: finding_resolved"
resolved=$(add_event finding_resolved 8080 41)
wait_for 10 "finding_resolved everywhere" delivered_everywhere "$resolved"
grep "\"delivery\": \"e$resolved-d0\"" "$work/webhook.jsonl" | grep -q '"signature_valid": true' ||
  die "resolved webhook without a valid signature"
grep "\"delivery\": \"e$resolved-d0\"" "$work/webhook.jsonl" | grep -q '"event": "finding_resolved"' ||
  die "resolved webhook body"
wait_for 10 "the alert resolved in Alertmanager" am_firing ""

# --- 3. kill -9 between the event and its delivery ---------------------------------------------
say "alerts: kill -9 while a delivery is pending"
kill "$webhook_pid"
wait "$webhook_pid" 2>/dev/null || true
webhook_pid=""
crash=$(add_event finding_opened 9090 42)
pending_attempted() {
  [ "$(sql "SELECT attempts > 0 AND state = 'pending' FROM alert_deliveries
            WHERE event_id = ? AND destination = 0" "$crash")" = 1 ]
}
wait_for 10 "a failed attempt of e$crash-d0" pending_attempted
kill -9 "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
serve_pid=""
webhook_start
sleep 0.3
serve_start
# The first retry of a failed attempt is due 1 s after it.
wait_for 15 "e$crash after the restart" delivered_everywhere "$crash"
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
serve_start
sleep 1.5  # several dispatcher polls: a repeat would show up here
for id in "$opened" "$resolved" "$crash"; do
  n=$(count_lines "$work/webhook.jsonl" "\"delivery\": \"e$id-d0\"")
  [ "$n" = 1 ] || die "webhook got e$id-d0 $n times"
  n=$(count_lines "$work/mail.jsonl" "e$id-d3")
  [ "$n" -ge 1 ] || die "mail of e$id missing"
  n=$(count_lines "$work/syslog.jsonl" "event_id=\\\\\"$id\\\\\"")
  [ "$n" = 1 ] || die "syslog got event $id $n times"
done
[ "$(count_lines "$work/mail.jsonl" "mail_from")" = 3 ] || die "mails: $(count_lines "$work/mail.jsonl" mail_from), not 3"
wait_for 10 "port 9090 firing in Alertmanager" am_firing 9090
say "alerts: ok (3 events x 4 destinations, each delivered once, also across kill -9)"
