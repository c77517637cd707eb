#!/usr/bin/env bash
# GET /metrics of a real `portlens serve`, inside a private network namespace made here
# (unshare -n, lo up): the server, a listener to scan, and Prometheus all live on that
# namespace's loopback; nothing is sent anywhere else.
#   metrics.sh PORTLENS_BIN promtool    promtool check metrics on the live output (after a scan,
#                                       so histograms and labelled counters have samples), the
#                                       bearer token enforced, no address in any label
#   metrics.sh PORTLENS_BIN prometheus  a real Prometheus (Debian's, own config and data dir in a
#                                       temp folder, scrape_interval 1s, with the bearer token)
#                                       scrapes serve; /api/v1/query returns the scan this test
#                                       ran and the probes it sent. Prints its duration.
set -euo pipefail
bin=${1:?usage: $0 PORTLENS_BIN promtool|prometheus}
mode=${2:?usage: $0 PORTLENS_BIN promtool|prometheus}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/common.sh
. "$here/common.sh"
if [ -z "${PORTLENS_IN_NETNS:-}" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v python3 >/dev/null ||
    ! command -v curl >/dev/null || ! command -v promtool >/dev/null ||
    ! command -v prometheus >/dev/null; then
    skip "metrics: needs root, unshare, python3, curl, promtool and prometheus (Debian prometheus)"
  fi
  PORTLENS_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up
started=$(date +%s%N)
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

WEB=127.0.0.1:18090
PROM=127.0.0.1:19090
SECRET=metrics-scrape-secret

# Prometheus first: it builds its scrape pools on a 5 s ticker (no flag in 2.42), so its first
# scrape comes ~5 s after its start whatever scrape_interval says; it starts while serve does.
if [ "$mode" = prometheus ]; then
  cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: portlens
    scrape_interval: 1s
    authorization:
      credentials: $SECRET
    static_configs:
      - targets: ["$WEB"]
YAML
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="$PROM" --log.level=warn >"$work/prometheus.log" 2>&1 &
  pids+=($!)
fi

# A listener for the scan to find open (the test's own, on this namespace's loopback).
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
time.sleep(600)' >"$work/port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
open_port=$(cat "$work/port")

token=$("$bin" token create --name t --db "$work/portlens.db" 2>/dev/null)
cat >"$work/portlens.toml" <<TOML
listen = "$WEB"
db = "$work/portlens.db"
reverse_dns = false
user = "nobody"
[tokens.t]
allow = ["127.0.0.0/8"]
[metrics]
bearer_token = "$SECRET"
TOML
chown -R nobody: "$work"  # serve drops root to this user (docs/deploy.md)
"$bin" serve --config "$work/portlens.toml" >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://$WEB/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://$WEB/healthz" >/dev/null || die "serve did not come up: $(cat "$work/serve.err")"

# Seconds since the start, one decimal. Bash and sed only below: on a loaded 2-core machine a
# python3 start costs up to a second, and the polls would measure that instead.
elapsed() {
  local ds=$((($(date +%s%N) - started) / 100000000))
  echo "$((ds / 10)).$((ds % 10))"
}
say "metrics: serve up after $(elapsed) s"
scrape() { curl -s -H "Authorization: Bearer $SECRET" "http://$WEB/metrics"; }
status=$(curl -s -o /dev/null -w '%{http_code}' "http://$WEB/metrics")
[ "$status" = 401 ] || die "/metrics without the bearer token answered $status, not 401"

if [ "$mode" = prometheus ]; then
  for _ in $(seq 100); do curl -sf "http://$PROM/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "http://$PROM/-/ready" >/dev/null || die "prometheus not ready: $(cat "$work/prometheus.log")"
  say "metrics: prometheus ready after $(elapsed) s"
fi

# One loopback connect scan through the API: the metrics the test expects to see move.
curl -sf -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d "{\"targets\":\"127.0.0.1\",\"ports\":\"$open_port,1\",\"mode\":\"connect\"}" \
  "http://$WEB/api/v1/scans" >"$work/created" || die "POST /api/v1/scans failed"
id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$work/created")
for _ in $(seq 100); do
  state=$(curl -s -H "Authorization: Bearer $token" "http://$WEB/api/v1/scans/$id" |
    { grep -o '"status":"[a-z]*"' || true; } | head -1 | cut -d'"' -f4)
  [ "$state" = "done" ] && break
  sleep 0.1
done
[ "$state" = "done" ] || die "scan $id ended $state"
say "metrics: scan $id done after $(elapsed) s"

scrape >"$work/metrics.txt"
grep -qx 'portlens_scans_finished_total{mode="connect",outcome="done"} 1' "$work/metrics.txt" ||
  die "no finished scan counted: $(grep scans_finished "$work/metrics.txt")"
grep -qx 'portlens_probes_sent_total{mode="connect"} 2' "$work/metrics.txt" ||
  die "probes: $(grep probes_sent "$work/metrics.txt")"
grep -q '^portlens_scan_duration_seconds_count{mode="connect"} 1$' "$work/metrics.txt" ||
  die "no scan duration observed"
grep -q 'route="/api/v1/scans/{id}"' "$work/metrics.txt" || die "no route template in the output"
# Bounded labels: no address and no raw path reaches a label value.
if grep -E '"[^"]*(127\.0\.0\.1|/api/v1/scans/[0-9])' "$work/metrics.txt"; then
  die "an address or a raw path in a label value"
fi

if [ "$mode" = promtool ]; then
  promtool check metrics <"$work/metrics.txt" || die "promtool check metrics failed"
  say "metrics: promtool check metrics passed on $(wc -l <"$work/metrics.txt") lines"
else
  # query EXPR: the first result's value ("value":[TIME,"VALUE"]), "" while there is none.
  query() {
    curl -s -G "http://$PROM/api/v1/query" --data-urlencode "query=$1" |
      { grep -o '"value":\[[^]]*\]' || true; } | head -1 | sed 's/.*,"\(.*\)"\]$/\1/'
  }
  finished=""
  for _ in $(seq 100); do
    finished=$(query 'portlens_scans_finished_total{job="portlens",mode="connect",outcome="done"}')
    [ "$finished" = 1 ] && break
    sleep 0.1
  done
  [ "$finished" = 1 ] || die "Prometheus saw scans_finished=$finished: $(cat "$work/prometheus.log")"
  say "metrics: Prometheus has the scan after $(elapsed) s"
  [ "$(query 'up{job="portlens"}')" = 1 ] || die "up{job=\"portlens\"} is not 1"
  [ "$(query 'portlens_probes_sent_total{mode="connect"}')" = 2 ] || die "probes not 2"
  [ "$(query 'portlens_scan_queue_depth{status="running"}')" = 0 ] || die "queue depth"
  requests=$(query 'sum(portlens_http_request_duration_seconds_count{route="/api/v1/scans/{id}"})')
  [ "${requests:-0}" -ge 1 ] || die "no request to /api/v1/scans/{id} counted ($requests)"
  say "metrics: Prometheus scraped serve and answered the queries"
fi
say "metrics ($mode): $(elapsed) s in all"
