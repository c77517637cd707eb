#!/usr/bin/env bash
# Verified targets (issue 14) against real daemons in the lab: `portlens serve` in the scanner
# namespace, its resolver set to a real dnsmasq, and a real nginx serving the challenge file,
# both started by this test in the TARGET namespace on lab addresses with configs in $WORK_DIR.
#  1. a name proved by a DNS TXT record: the token holder may then scan it (and only it);
#  2. an address proved by the challenge file on nginx;
#  3. refusals: private ranges whatever is proved, a name that points at loopback (refused
#     before any HTTP request), an unproved lab host, a wrong file, anonymous callers;
#  4. a restart of `serve` on the same database: the proofs still open their targets, and a
#     challenge left pending before it is proved after it (same id, same token).
# The lab block 198.18.0.0/15 is a special range; the config's unsafe_test_public_ranges
# makes it "public" for this server only (a knob for tests, never for production).
#   web_verify.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"

require_portlens "${1:-}"
require_lab_tools curl /usr/sbin/dnsmasq /usr/sbin/nginx
DNS_IP=198.19.53.53
WEB_IP=198.19.80.80
DAEMON_PIDS=()
lab_up verify
TARGET_NS=$("$LAB_SH" ns "$LAB_NAME" | cut -d' ' -f2)
stop_daemons() {
  local pid
  for pid in "${DAEMON_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${DAEMON_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  serve_stop || true
}
trap 'stop_daemons; lab_cleanup' EXIT
started=$(date +%s.%N)

cat >"$WORK_DIR/portlens.toml" <<TOML
listen = "127.0.0.1:$WEB_PORT"
db = "$WORK_DIR/portlens.db"
max_probes = 100000
reverse_dns = false
resolver = "$DNS_IP:53"
verification_ttl = 600
# UNSAFE outside tests: the lab block counts as the public internet here.
unsafe_test_public_ranges = ["198.18.0.0/15", "2001:2::/48"]
TOML
TOKEN=$(token_create holder)
[ -n "$TOKEN" ] || die "token create failed"
serve_start

fails=0
field() { json_field "$1" <"$WORK_DIR/body"; }

# Challenges first: their tokens go into the daemons' configs.
api POST /api/v1/verifications '{"target":"scanme.lab"}' "$TOKEN" >/dev/null
expect "create scanme.lab" 201 '"status":"pending"'
DNS_ID=$(field '["id"]')
DNS_TOKEN=$(field '["token"]')
api POST /api/v1/verifications "{\"target\":\"$WEB_IP\"}" "$TOKEN" >/dev/null
expect "create $WEB_IP" 201 "http://$WEB_IP/.well-known/portlens-challenge/"
WEB_ID=$(field '["id"]')
WEB_TOKEN=$(field '["token"]')
api POST /api/v1/verifications '{"target":"inside.lab"}' "$TOKEN" >/dev/null
INSIDE_ID=$(field '["id"]')

# dnsmasq: authoritative for *.lab only, no upstream, no hosts file, on the lab address.
cat >"$WORK_DIR/dnsmasq.conf" <<DNSMASQ
port=53
listen-address=$DNS_IP
bind-interfaces
no-resolv
no-hosts
no-poll
local=/lab/
log-queries
host-record=scanme.lab,$WEB_IP
host-record=inside.lab,127.0.0.1
txt-record=_portlens-challenge.scanme.lab,"$DNS_TOKEN"
txt-record=_portlens-challenge.inside.lab,"whatever"
DNSMASQ
ip netns exec "$TARGET_NS" /usr/sbin/dnsmasq --keep-in-foreground --log-facility=- \
  --conf-file="$WORK_DIR/dnsmasq.conf" --pid-file="$WORK_DIR/dnsmasq.pid" \
  >"$WORK_DIR/dnsmasq.log" 2>&1 &
DAEMON_PIDS+=($!)

# nginx: the challenge file of the address target, on the web address only.
n="$WORK_DIR/nginx"
mkdir -p "$n/tmp" "$n/html/.well-known/portlens-challenge"
echo "$WEB_TOKEN" >"$n/html/.well-known/portlens-challenge/$WEB_TOKEN"
echo "not the token" >"$n/html/.well-known/portlens-challenge/$DNS_TOKEN"
chmod -R a+rX "$WORK_DIR"
cat >"$n/nginx.conf" <<NGINX
worker_processes 1;
pid $n/nginx.pid;
error_log $n/error.log;
events { worker_connections 64; }
http {
  access_log $n/access.log;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  server { listen $WEB_IP:80; root $n/html; }
}
NGINX
ip netns exec "$TARGET_NS" /usr/sbin/nginx -p "$n" -e "$n/error.log" -c "$n/nginx.conf" \
  -g 'daemon off;' >"$n/stdout.log" 2>&1 &
DAEMON_PIDS+=($!)
for _ in $(seq 1 50); do
  if in_lab 2 curl -sf "http://$WEB_IP/.well-known/portlens-challenge/$WEB_TOKEN" >/dev/null &&
    grep -q "started" "$WORK_DIR/dnsmasq.log"; then
    break
  fi
  sleep 0.1
done
in_lab 2 curl -sf "http://$WEB_IP/.well-known/portlens-challenge/$WEB_TOKEN" >/dev/null ||
  die "nginx did not come up: $(cat "$n/error.log")"

# --- 1. DNS proof of a name ----------------------------------------------------------------
api POST /api/v1/scans '{"targets":"scanme.lab","ports":"80"}' "$TOKEN" >/dev/null
expect "scan before the proof" 403 "not verified"
api POST "/api/v1/verifications/$DNS_ID/check" "" "$TOKEN" >/dev/null
expect "check scanme.lab" 200 '"method":"dns"'
expect "what scanme.lab opened" 200 "\"$WEB_IP/32\""
api POST /api/v1/scans '{"targets":"scanme.lab","ports":"80,81"}' "$TOKEN" >/dev/null
expect "scan scanme.lab after the proof" 202
scan_id=$(field '["id"]')
[ "$(wait_final "$scan_id" "$TOKEN" 30)" = "done" ] || die "scan $scan_id did not finish"
api GET "/api/v1/scans/$scan_id/results?format=ndjson&states=all" "" "$TOKEN" >/dev/null
expect "results" 200
python3 - "$WORK_DIR/body" <<'PY' || fails=$((fails + 1))
import json, sys
ports = {r["port"]: r["state"] for r in map(json.loads, open(sys.argv[1])) if r.get("type") == "port"}
assert ports == {80: "open", 81: "closed"}, f"FAIL: scan of scanme.lab: {ports}"
PY
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"80"}' "$TOKEN" >/dev/null
expect "an unproved lab host" 403 "not verified"

# --- 2. HTTP proof of an address -------------------------------------------------------------
api POST "/api/v1/verifications/$WEB_ID/check" "" "$TOKEN" >/dev/null
expect "check $WEB_IP" 200 '"method":"http"'
grep -q "GET /.well-known/portlens-challenge/$WEB_TOKEN HTTP/1.0\" 200" "$n/access.log" ||
  { echo "FAIL: nginx saw no challenge GET" >&2; fails=$((fails + 1)); }

# --- 3. refusals -------------------------------------------------------------------------
api POST "/api/v1/verifications/$INSIDE_ID/check" "" "$TOKEN" >/dev/null
expect "a name pointing at loopback" 403 "127.0.0.1"
for target in 10.0.0.1 127.0.0.1 192.168.1.0/24 169.254.169.254 "::1"; do
  api POST /api/v1/verifications "{\"target\":\"$target\"}" "$TOKEN" >/dev/null
  expect "verify $target" 403
done
api POST /api/v1/scans '{"targets":"127.0.0.1","ports":"80"}' "$TOKEN" >/dev/null
expect "scan loopback with proofs" 403
api POST /api/v1/verifications '{"target":"198.19.80.0/24"}' "$TOKEN" >/dev/null
BLOCK_ID=$(field '["id"]')
api POST "/api/v1/verifications/$BLOCK_ID/check" "" "$TOKEN" >/dev/null
expect "a block whose first host has no file" 422 "verification_failed"
api POST /api/v1/verifications '{"target":"scanme.lab"}' >/dev/null
expect "anonymous" 401
api GET /api/v1/verifications "" "$TOKEN" >/dev/null
expect "list" 200 "\"id\":\"$DNS_ID\""

# --- 4. a restart keeps proofs and pending challenges ------------------------------------------
# A /31 is fetched from its first address: nginx's, where the file is written only after.
api POST /api/v1/verifications '{"target":"198.19.80.80/31"}' "$TOKEN" >/dev/null
expect "create 198.19.80.80/31" 201 '"status":"pending"'
LATE_ID=$(field '["id"]')
LATE_TOKEN=$(field '["token"]')
serve_stop TERM || die "serve did not stop cleanly"
serve_start
api GET /api/v1/verifications "" "$TOKEN" >/dev/null
expect "list after the restart" 200 "\"id\":\"$DNS_ID\""
python3 - "$WORK_DIR/body" "$DNS_ID" "$WEB_ID" "$LATE_ID" "$LATE_TOKEN" "$BLOCK_ID" <<'PY' ||
import json, sys
body, dns_id, web_id, late_id, late_token, block_id = sys.argv[1:]
by_id = {v["id"]: v for v in json.load(open(body))["verifications"]}
assert by_id[dns_id]["status"] == "verified", f"FAIL: DNS proof after restart: {by_id.get(dns_id)}"
assert by_id[dns_id]["proved"] == ["198.19.80.80/32"], by_id[dns_id]
assert by_id[web_id]["status"] == "verified" and by_id[web_id]["method"] == "http", by_id[web_id]
assert by_id[late_id]["status"] == "pending" and by_id[late_id]["token"] == late_token, by_id[late_id]
assert by_id[block_id]["last_error"], f"FAIL: the failed check's reason was lost: {by_id[block_id]}"
PY
  { echo "FAIL: verifications after the restart: $(cat "$WORK_DIR/body")" >&2; fails=$((fails + 1)); }
api POST /api/v1/scans '{"targets":"scanme.lab","ports":"80"}' "$TOKEN" >/dev/null
expect "scan scanme.lab after the restart" 202
scan_id=$(field '["id"]')
[ "$(wait_final "$scan_id" "$TOKEN" 30)" = "done" ] || die "scan $scan_id did not finish"
api POST /api/v1/scans '{"targets":"198.19.80.81","ports":"80"}' "$TOKEN" >/dev/null
expect "198.19.80.81 is not proved yet" 403 "not verified"
echo "$LATE_TOKEN" >"$n/html/.well-known/portlens-challenge/$LATE_TOKEN"
chmod a+r "$n/html/.well-known/portlens-challenge/$LATE_TOKEN"
api POST "/api/v1/verifications/$LATE_ID/check" "" "$TOKEN" >/dev/null
expect "the pending challenge proved after the restart" 200 '"method":"http"'
api POST /api/v1/scans '{"targets":"198.19.80.81","ports":"80"}' "$TOKEN" >/dev/null
expect "scan 198.19.80.81 once proved" 202
scan_id=$(field '["id"]')
[ "$(wait_final "$scan_id" "$TOKEN" 30)" = "done" ] || die "scan $scan_id did not finish"

stop_daemons
elapsed=$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$started")
[ "$fails" -eq 0 ] || die "$fails check(s) failed"
say "verified targets: DNS and HTTP proofs, scans, refusals and a restart pass (${elapsed} s after lab up)"
