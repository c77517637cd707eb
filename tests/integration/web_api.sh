#!/usr/bin/env bash
# The web service's REST API against a real `portlens serve` in the lab's scanner namespace:
#  1. full-range scans of lab hosts through the API (IPv4, IPv6) match the ground truth, in
#     every export format's record set, and the live event stream delivers every record once;
#  2. a scan interrupted by SIGTERM and then by SIGKILL resumes after each restart and ends
#     with every port right and none twice;
#  3. the refusal table, case by case over HTTP (403 with the reason, 400, 401, 413, 415,
#     422, 429 with Retry-After), cancel, diff after a lab change, ports/{port}, headers.
#   web_api.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"

require_portlens "${1:-}"
require_lab_tools curl
lab_up web
# The anonymous rules open only this namespace's own loopback (a private namespace).
web_config '[anonymous]
allow = ["127.0.0.1/32"]
scans_per_minute = 2
max_active_scans = 5'
LAB=$(token_create lab)
PLAIN=$(token_create plain)
ADMIN=$(token_create boss --admin)
{ [ -n "$LAB" ] && [ -n "$PLAIN" ]; } || die "token create failed"
serve_start

fails=0

# --- 1. full-range scans match the truth -------------------------------------------------
scan_full() {  # scan_full TARGETS [MODE] -> id
  api POST /api/v1/scans "{\"targets\":\"$1\",\"ports\":\"all\",\"mode\":\"${2:-connect}\"}" "$LAB" >/dev/null
  [ "$HTTP_STATUS" = 202 ] || die "POST /api/v1/scans $1: $HTTP_STATUS $(cat "$WORK_DIR/body")"
  json_field '["id"]' <"$WORK_DIR/body"
}
id4=$(scan_full 198.19.0.7)
# Follow the live stream of every state while the scan runs: each record exactly once.
in_lab 60 curl -sN -H "Authorization: Bearer $LAB" \
  "http://127.0.0.1:$WEB_PORT/api/v1/scans/$id4/events?states=all" >"$WORK_DIR/events4.txt"
id6=$(scan_full 2001:2:0:1::7 syn)  # the server runs as root: the SYN engine is available
for id in "$id4" "$id6"; do
  [ "$(wait_final "$id" "$LAB" 90)" = "done" ] || die "scan $id did not finish"
done
check_event_stream "$WORK_DIR/events4.txt" 65535 || die "event stream of scan $id4 is wrong"
api GET "/api/v1/scans/$id4/results?format=ndjson&states=all" "" "$LAB" >"$WORK_DIR/r4.ndjson"
expect "results ndjson" 200
check_truth --ndjson "$WORK_DIR/r4.ndjson" --host 198.19.0.7 --expect-summary ||
  die "API results of 198.19.0.7 differ from the truth"
api GET "/api/v1/scans/$id6/results?format=ndjson&states=all" "" "$LAB" >"$WORK_DIR/r6.ndjson"
check_truth --ndjson "$WORK_DIR/r6.ndjson" --host 2001:2:0:1::7 --expect-summary ||
  die "API results of 2001:2:0:1::7 differ from the truth"
# The SYN engine's records as the CLI has them, TTL (hop limit) included: every answer in the
# lab comes straight from the target namespace with the kernel's default of 64.
python3 - "$WORK_DIR/r6.ndjson" <<'PY' || die "SYN results through the API lost their TTL"
import json, sys
ports = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "port"]
answered = [r for r in ports if r["reason"] != "no-response"]
assert answered and all(r.get("ttl") == 64 for r in answered), answered[:1]
assert all("ttl" not in r for r in ports if r["reason"] == "no-response")
PY
api GET "/api/v1/scans/$id4/results?format=xml" "" "$LAB" >"$WORK_DIR/r4.xml"
expect "results xml" 200 "<nmaprun"
check_truth --xml "$WORK_DIR/r4.xml" --host 198.19.0.7 --unlisted closed ||
  die "XML export of 198.19.0.7 differs from the truth"
api GET "/api/v1/scans/$id4/results?format=csv" "" "$LAB" >/dev/null
expect "results csv" 200 "198.19.0.7,,22,tcp,open,syn-ack"
api GET "/api/v1/scans/$id4/results?format=json" "" "$LAB" >/dev/null
expect "results json" 200 '"hosts":['
api GET "/api/v1/scans/$id4" "" "$LAB" >/dev/null
expect "scan status" 200 '"counts":{"open":11,"closed":65504,"filtered":20}'
api GET "/api/v1/scans/$id6" "" "$LAB" >/dev/null
expect "SYN scan status" 200 '"mode":"syn"'
# The scan type is one typed value from the request to every export: the SYN scan's exports
# say so (they said "connect" before the launcher).
api GET "/api/v1/scans/$id6/results?format=xml" "" "$LAB" >/dev/null
expect "SYN scan XML export" 200 '<scaninfo type="syn"'
api GET "/api/v1/scans/$id6/results?format=json" "" "$LAB" >/dev/null
expect "SYN scan JSON export" 200 '"scan_type":"syn"'
say "full-range API scans match the truth (IPv4 connect, IPv6 SYN, ndjson, xml)"

# --- 1b. service detection through the API -------------------------------------------------
# lab_target's banners (tests/lab/lab_target.cpp): OpenSSH on 22, vsftpd on 21, an HTTP
# server calling itself portlens-lab on 80; a port that accepts and closes is tcpwrapped.
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"21,22,80,443","service_detection":true}' "$LAB" >/dev/null
[ "$HTTP_STATUS" = 202 ] || die "POST with service_detection: $HTTP_STATUS $(cat "$WORK_DIR/body")"
idv=$(json_field '["id"]' <"$WORK_DIR/body")
[ "$(wait_final "$idv" "$LAB" 90)" = "done" ] || die "scan $idv (service detection) did not finish"
api GET "/api/v1/scans/$idv/results?format=ndjson" "" "$LAB" >"$WORK_DIR/rv.ndjson"
python3 - "$WORK_DIR/rv.ndjson" <<'PY' || die "service detection through the API named the lab's services wrongly"
import json, sys
ports = {r["port"]: r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "port"}
want = {21: ("ftp", "vsftpd", "3.0.3"), 22: ("ssh", "OpenSSH", "9.2p1 Debian 2"),
        80: ("http", None, None), 443: ("tcpwrapped", None, None)}
for port, (service, product, version) in want.items():
    r = ports[port]
    assert r.get("service") == service, (port, r)
    assert r.get("method") == "probed", (port, r)
    if product:
        assert r.get("product") == product and r.get("version") == version, (port, r)
print("service detection through the API: ftp vsftpd 3.0.3, ssh OpenSSH, http, tcpwrapped")
PY
api GET "/api/v1/scans/$idv" "" "$LAB" >/dev/null
expect "scan with service detection" 200 '"service_detection":true'

# --- 2. restart in the middle of a scan loses nothing ------------------------------------
# Held to 15,000 probes/s a shard (about 9 s in all), so that it is still running when SIGTERM
# and SIGKILL land: unpaced, it once finished during serve's graceful stop (CI, 2.7 s for the
# three hosts), and there was nothing left to resume or re-queue.
api POST /api/v1/scans '{"targets":"198.19.0.7 198.19.0.8 2001:2:0:1::7","ports":"all","rate":15000}' "$LAB" >/dev/null
idr=$(json_field '["id"]' <"$WORK_DIR/body")
wait_done_over() {  # wait until ports_done > N
  local done_now=0
  for _ in $(seq 1 300); do
    done_now=$(api GET "/api/v1/scans/$idr" "" "$LAB" | json_field '["ports_done"]')
    [ "$done_now" -gt "$1" ] && return 0
    sleep 0.05
  done
  die "scan $idr did not get past $1 ports"
}
wait_done_over 20000
serve_stop TERM || die "portlens serve did not exit cleanly on SIGTERM"
grep -q "stopped" "$WORK_DIR/serve.err" || die "no graceful stop message"
serve_start  # SIGTERM put the scan back in the queue itself; this start resumes it
wait_done_over 100000
serve_stop KILL || true
serve_start
grep -q "queued again" "$WORK_DIR/serve.err" || die "the killed scan was not re-queued"
[ "$(wait_final "$idr" "$LAB" 90)" = "done" ] || die "resumed scan $idr did not finish"
api GET "/api/v1/scans/$idr" "" "$LAB" >/dev/null
expect "resumed scan" 200 '"ports_done":196605'
expect "resumed flag" 200 '"resumed":true'
api GET "/api/v1/scans/$idr/results?format=ndjson&states=all" "" "$LAB" >"$WORK_DIR/rr.ndjson"
check_truth --ndjson "$WORK_DIR/rr.ndjson" --host 198.19.0.7 --host 198.19.0.8 \
  --host 2001:2:0:1::7 --expect-summary || die "the resumed scan lost or changed results"
say "SIGTERM and SIGKILL mid-scan: resumed, all 196605 ports right, none twice"
# Reverse names (tests/lab/names.tsv), looked up by every run of the job, resumed ones too.
"$LAB_SH" names >"$WORK_DIR/names.tsv"
python3 - "$WORK_DIR/rr.ndjson" "$WORK_DIR/names.tsv" <<'PY' || die "records do not carry the lab's host names"
import json, sys
names = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[2]) if line.strip())
wrong = [r for r in map(json.loads, open(sys.argv[1]))
         if r["type"] == "port" and r.get("hostname", "") != names.get(r["ip"], "")]
if wrong:
    sys.exit(f"{len(wrong)} records with the wrong host name, e.g. {wrong[0]}")
PY
say "every record carries its host's reverse name"

# --- 3. refusals, case by case ------------------------------------------------------------
refuse() {  # refuse TARGET REASON
  api POST /api/v1/scans "{\"targets\":\"$1\",\"ports\":\"22\"}" "$LAB" >/dev/null
  expect "refusal of $1" 403 "$2"
}
refuse 127.0.0.1 "127.0.0.1 is loopback"
refuse 2130706433 "127.0.0.1 is loopback"
refuse 0x7f000001 "127.0.0.1 is loopback"
refuse 0177.0.0.1 "127.0.0.1 is loopback"
refuse "[::ffff:127.0.0.1]" "127.0.0.1 is loopback"
refuse 10.0.0.1 "RFC 1918"
refuse 172.16.5.4 "RFC 1918"
refuse 192.168.1.1 "RFC 1918"
refuse 100.64.0.1 "carrier-grade NAT"
refuse 169.254.169.254 "metadata"
refuse 169.254.1.1 "link-local"
refuse 224.0.0.251 "multicast"
refuse 240.0.0.1 "reserved"
refuse 0.0.0.0 "this network"
refuse 192.0.2.1 "documentation"
refuse 198.51.100.1 "documentation"
refuse 203.0.113.1 "documentation"
refuse 198.18.0.1 "benchmarking"
refuse ::1 "IPv6 loopback"
refuse fe80::1 "link-local"
refuse fd00::1 "unique local"
refuse ff02::1 "multicast"
refuse 2001:db8::1 "documentation"
refuse 64:ff9b::a00:1 "translated"
refuse ::ffff:10.0.0.1 "10.0.0.1 is a private network"
refuse 198.19.0.0/15 "benchmarking"   # half inside the allowed block is not allowed
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"22"}' "$PLAIN" >/dev/null
expect "lab block without allow rule" 403 "benchmarking"
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"22"}' >/dev/null
expect "anonymous, not own address" 403 "only your own address"
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"22"}' "" text/plain >/dev/null
expect "anonymous without JSON content type" 415
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"22"}' "plt_wrong" >/dev/null
expect "unknown token" 401
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"22","mode":"udp"}' "$LAB" >/dev/null
expect "unknown mode" 400 "connect"
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"70000"}' "$LAB" >/dev/null
expect "bad port" 400 "70000"
api POST /api/v1/scans '{"targets":"300.1.1.1"}' "$LAB" >/dev/null
expect "bad address" 400 "invalid_target"
api POST /api/v1/scans 'not json' "$LAB" >/dev/null
expect "bad json" 400 "invalid_json"
api POST /api/v1/scans '{"targets":"198.19.0.0/24","ports":"all"}' "$LAB" >/dev/null
expect "size cap" 413 "scan_too_large"
# Anonymous callers scanning their own address: 2 a minute, then 429 with Retry-After.
for n in 1 2; do
  api POST /api/v1/scans '{"targets":"127.0.0.1","ports":"22"}' >/dev/null
  expect "anonymous own-address scan $n" 202
done
api POST /api/v1/scans '{"targets":"127.0.0.1","ports":"22"}' >/dev/null
expect "anonymous rate limit" 429 "rate_limited"
grep -qi '^Retry-After: [0-9]' "$WORK_DIR/headers" || { echo "FAIL: 429 without Retry-After" >&2; fails=$((fails + 1)); }
api GET "/api/v1/scans/$id4" >/dev/null
expect "someone else's scan" 404
api GET "/api/v1/scans/$id4" "" "$ADMIN" >/dev/null
expect "admin sees every scan" 200
api GET /api/v1/scans/999999 "" "$LAB" >/dev/null
expect "missing scan" 404 '"error":{"code":"not_found"'
say "refusal table: every case answered as expected"

# --- 4. cancel, diff, history, ports, headers ----------------------------------------------
api POST /api/v1/scans '{"targets":"198.19.1.0/30","ports":"all"}' "$LAB" >/dev/null
idc=$(json_field '["id"]' <"$WORK_DIR/body")
sleep 0.3
api POST "/api/v1/scans/$idc/cancel" "" "$LAB" >/dev/null
expect "cancel" 202
[ "$(wait_final "$idc" "$LAB" 30)" = cancelled ] || { echo "FAIL: cancel did not stop scan $idc" >&2; fails=$((fails + 1)); }
api POST "/api/v1/scans/$idc/cancel" "" "$LAB" >/dev/null
expect "cancel a finished scan" 409
"$LAB_SH" block "$LAB_NAME" 198.19.0.7 3306 drop
api POST /api/v1/scans '{"targets":"198.19.0.7","ports":"1-4000"}' "$LAB" >/dev/null
idd=$(json_field '["id"]' <"$WORK_DIR/body")
[ "$(wait_final "$idd" "$LAB" 60)" = "done" ] || die "diff scan did not finish"
api GET "/api/v1/scans/$id4/diff/$idd" "" "$LAB" >/dev/null
expect "diff" 200 '"closed":[{"ip":"198.19.0.7","port":3306,"service":"mysql","before":{"state":"open","reason":"syn-ack"},"after":{"state":"filtered","reason":"no-response"}}]'
expect "diff counts" 200 '"compared":4000'
api GET "/api/v1/scans?limit=2" "" "$LAB" >/dev/null
expect "history page" 200 '"next_before":'
api GET /api/v1/ports/3306 >/dev/null
expect "port explanation" 200 '"name":"mysql"'
api GET /healthz >/dev/null
expect "healthz" 200 '"ok"'
api GET / >/dev/null
expect "page" 200 "<!doctype html>"
grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" "$WORK_DIR/headers" ||
  { echo "FAIL: no strict CSP header" >&2; fails=$((fails + 1)); }

serve_stop TERM || die "portlens serve did not stop cleanly"
[ "$fails" -eq 0 ] || die "$fails API checks failed"
say "PASS: web API in the lab"
