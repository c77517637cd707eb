#!/usr/bin/env bash
# Alert latency: from a monitor run's events being committed (finding_events) to the webhook
# receiver having them, through `portlens serve`'s dispatcher (alerts/dispatcher.h), in a
# private network namespace (unshare -n; server and receiver on its loopback).
#
#   bench/alerts.sh PATH_TO_PORTLENS
#
# Scenarios: BENCH_ALERTS_SINGLES runs with one finding each (default 200, 50-150 ms apart) and
# BENCH_ALERTS_BURSTS runs with BENCH_ALERTS_BURST_SIZE findings each (default 20 x 50). Events
# are written by bench/alerts_latency.py as the monitors write them; the dispatcher finds them
# at its next poll (every 250 ms) or at once when the monitors wake it. Goal: p99 under 1 s.
# Writes the table to bench/results/alerts.md.
set -euo pipefail

BENCH_PART=bench/alerts
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SINGLES=${BENCH_ALERTS_SINGLES:-200}
BURSTS=${BENCH_ALERTS_BURSTS:-20}
BURST_SIZE=${BENCH_ALERTS_BURST_SIZE:-50}

bench_check "bench/alerts.sh PATH_TO_PORTLENS" "$@" -- ip unshare curl
for n in "$SINGLES" "$BURSTS" "$BURST_SIZE"; do
  [[ $n =~ ^[0-9]+$ ]] || die "BENCH_ALERTS_* must be non-negative integers"
done

if [ -z "${BENCH_ALERTS_IN_NAMESPACE:-}" ]; then
  WORK_DIR=$(mktemp -d /tmp/portlens-bench-alerts.XXXXXX)
  trap 'rm -rf "$WORK_DIR"' EXIT
  BENCH_ALERTS_IN_NAMESPACE=1 WORK_DIR=$WORK_DIR unshare -n "${BASH_SOURCE[0]}" "$PORTLENS"
  mkdir -p "$BENCH_DIR/results"
  python3 - "$WORK_DIR/latency.json" "$BENCH_DIR/results/alerts.md" <<'PY'
import datetime, json, sys
result = json.load(open(sys.argv[1]))
lines = [f"## Alert latency: event committed -> webhook received "
         f"({datetime.date.today().isoformat()})", "",
         "| scenario | events | delivered | p50 | p99 | max |", "|---|---:|---:|---:|---:|---:|"]
for name, r in result.items():
    lines.append(f"| {name} | {r['events']} | {r['delivered']} | {r['p50_ms']} ms | "
                 f"{r['p99_ms']} ms | {r['max_ms']} ms |")
lines += ["", "Goal: p99 under 1 s. Dispatcher poll 250 ms (no wake from the run); "
          "one webhook destination on loopback, deliveries one at a time."]
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
# A run where alerts went missing measured nothing: say so rather than report "nan ms".
lost = {name: r["events"] - r["delivered"] for name, r in result.items() if r["delivered"] < r["events"]}
if lost:
    sys.exit(f"bench/alerts: events not delivered: {lost}")
PY
  exit 0
fi

ip link set lo up
SERVE_PORT=18780 WEBHOOK_PORT=18701 SECRET=bench
DB="$WORK_DIR/portlens.db"
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all EXIT
/usr/bin/python3 "$REPO_DIR/tests/integration/alert_receivers.py" --lifetime 900 webhook \
  "$WEBHOOK_PORT" "$SECRET" "$WORK_DIR/webhook.jsonl" &
pids+=($!)
printf 'listen = "127.0.0.1:%s"\ndb = "%s"\nuser = "nobody"\n' "$SERVE_PORT" "$DB" \
  >"$WORK_DIR/portlens.toml"
# Started as root, serve becomes `user` before it accepts: the database folder must be its
# (docs/deploy.md, "Privilege model"); the receiver's log stays root's.
chown nobody: "$WORK_DIR"
"$PORTLENS" serve --config "$WORK_DIR/portlens.toml" >"$WORK_DIR/serve.out" 2>"$WORK_DIR/serve.err" &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$SERVE_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$SERVE_PORT/healthz" >/dev/null ||
  { cat "$WORK_DIR/serve.err" >&2; die "portlens serve did not start"; }
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("""CREATE TABLE IF NOT EXISTS
  finding_events(id INTEGER PRIMARY KEY AUTOINCREMENT, monitor_id INTEGER NOT NULL,
  finding_id INTEGER NOT NULL, event TEXT NOT NULL CHECK(event IN
  ('"'"'finding_opened'"'"','"'"'finding_resolved'"'"')), scan_id INTEGER,
  at_ms INTEGER NOT NULL, finding_json TEXT NOT NULL, monitor_json TEXT NOT NULL)""")' "$DB"
monitor="{\"id\":1,\"name\":\"bench\",\"alerts\":[{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:$WEBHOOK_PORT/h\",\"secret\":\"$SECRET\"}]}"
echo "bench/alerts: $SINGLES single-finding runs, $BURSTS runs of $BURST_SIZE findings" >&2
python3 "$BENCH_DIR/alerts_latency.py" "$DB" "$WORK_DIR/webhook.jsonl" "$monitor" \
  "$SINGLES" "$BURSTS" "$BURST_SIZE" >"$WORK_DIR/latency.json"
