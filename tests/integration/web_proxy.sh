#!/usr/bin/env bash
# `portlens serve` behind real nginx (Debian nginx-light) in the lab, with the configuration
# of docs/deploy.md (the block between its nginx markers, only `listen` and the upstream port
# changed). nginx and serve run in the lab's target namespace (serve on 0.0.0.0, nginx on
# 198.18.0.2:8080, trusted_proxies = 127.0.0.1); the client is the scanner namespace
# (198.18.0.1). Checked:
#  1. through nginx, the client's address is its lab address, also when it forges
#     X-Forwarded-For or Forwarded; straight to serve (an untrusted peer) the same headers are
#     ignored;
#  2. "scan my address" through nginx scans 198.18.0.1 (a port the client opened is found
#     open), and an anonymous scan of another host is refused even with a forged header;
#  3. a live event stream through nginx arrives unbuffered: events spread over the scan's
#     duration, the first within a second of its start;
#  4. the log lines name the resolved client and the token's name, never the token.
#   web_proxy.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"
# shellcheck source=tests/integration/web_nginx.sh
source "$(dirname "$0")/web_nginx.sh"

require_portlens "${1:-}"
require_lab_tools curl nginx
DEPLOY_DOC="$INTEGRATION_DIR/../../docs/deploy.md"
[ -f "$DEPLOY_DOC" ] || die "missing $DEPLOY_DOC"
lab_up proxy
TARGET_NS=$("$LAB_SH" ns "$LAB_NAME" | cut -d' ' -f2)
PROXY_URL="http://198.18.0.2:8080"
DIRECT_URL="http://198.18.0.2:$WEB_PORT"
NGINX_PID=""
CLIENT_PID=""
SERVE_PID=""

stop_all() {
  local pid
  for pid in "$CLIENT_PID" "$NGINX_PID" "$SERVE_PID"; do
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  CLIENT_PID="" NGINX_PID="" SERVE_PID=""
}
restore_status() { return "$1"; }
on_exit() {  # stops our processes, then lab_cleanup with the script's exit status
  local status=$?
  set +e
  stop_all
  restore_status "$status"
  lab_cleanup
}
trap on_exit EXIT

cat >"$WORK_DIR/portlens.toml" <<TOML
listen = "0.0.0.0:$WEB_PORT"
db = "$WORK_DIR/portlens.db"
user = "nobody"
trusted_proxies = ["127.0.0.1"]
[anonymous]
allow = ["198.18.0.0/30"]
scans_per_minute = 30
max_active_scans = 5
[tokens.lab]
allow = ["198.19.0.0/16"]
TOML
LAB=$(token_create lab)
[ -n "$LAB" ] || die "token create failed"

# The tested nginx block from docs/deploy.md, inside a minimal nginx.conf of this test.
nginx_conf_from_docs "$DEPLOY_DOC" 198.18.0.2:8080 "$WEB_PORT" "$WORK_DIR" >"$WORK_DIR/nginx.conf"
grep -q "listen 198.18.0.2:8080;" "$WORK_DIR/nginx.conf" || die "no nginx block in $DEPLOY_DOC"

chown -R nobody: "$WORK_DIR"  # serve drops root to this user (docs/deploy.md)
ip netns exec "$TARGET_NS" "$PORTLENS" serve --config "$WORK_DIR/portlens.toml" \
  >"$WORK_DIR/serve.out" 2>"$WORK_DIR/serve.err" &
SERVE_PID=$!
ip netns exec "$TARGET_NS" nginx -p "$WORK_DIR/" -c "$WORK_DIR/nginx.conf" \
  -e "$WORK_DIR/nginx-error.log" &
NGINX_PID=$!
# The client's own open port, on its lab address: "scan my address" must find it.
ip netns exec "$SCAN_NS" python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.1", 5555)); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' &
CLIENT_PID=$!
for _ in $(seq 1 50); do
  if in_lab 2 curl -sf "$PROXY_URL/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
in_lab 2 curl -sf "$PROXY_URL/healthz" >/dev/null ||
  { cat "$WORK_DIR/serve.err" "$WORK_DIR/nginx-error.log" >&2; die "nginx + serve did not come up"; }

fails=0
check() {  # check WHAT GOT WANT
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: got '$2', want '$3'" >&2
    fails=$((fails + 1))
  else
    say "ok: $1"
  fi
}
whoami() {  # whoami URL [CURL_ARGS...] -> the address serve sees
  local url=$1
  shift
  in_lab 10 curl -sf "$@" "$url/api/v1/whoami" | json_field '["address"]'
}

# --- 1. the client's address, and the spoofing refusals ----------------------------------
check "through nginx" "$(whoami "$PROXY_URL")" 198.18.0.1
check "through nginx, forged X-Forwarded-For" \
  "$(whoami "$PROXY_URL" -H 'X-Forwarded-For: 198.19.0.7')" 198.18.0.1
check "through nginx, forged X-Forwarded-For list" \
  "$(whoami "$PROXY_URL" -H 'X-Forwarded-For: 198.19.0.7, 127.0.0.1')" 198.18.0.1
check "through nginx, forged Forwarded" \
  "$(whoami "$PROXY_URL" -H 'Forwarded: for=198.19.0.7')" 198.18.0.1
check "direct (untrusted peer), forged X-Forwarded-For" \
  "$(whoami "$DIRECT_URL" -H 'X-Forwarded-For: 198.19.0.7')" 198.18.0.1
check "direct (untrusted peer), forged Forwarded" \
  "$(whoami "$DIRECT_URL" -H 'Forwarded: for=198.19.0.7')" 198.18.0.1
check "direct (untrusted peer), forged trusted proxy" \
  "$(whoami "$DIRECT_URL" -H 'X-Forwarded-For: 127.0.0.1')" 198.18.0.1

# --- 2. scan my address through nginx ---------------------------------------------------
post_anonymous() {  # post_anonymous BODY [CURL_ARGS...] -> status; body in $WORK_DIR/body
  local body=$1
  shift
  in_lab 30 curl -s -o "$WORK_DIR/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$body" "$@" "$PROXY_URL/api/v1/scans" || echo 000
}
status=$(post_anonymous '{"targets":"198.18.0.1","ports":"5555,5556"}')
check "anonymous scan of my address is accepted" "$status" 202
id=$(json_field '["id"]' <"$WORK_DIR/body")
final=""
for _ in $(seq 1 100); do
  final=$(in_lab 10 curl -sf "$PROXY_URL/api/v1/scans/$id" | json_field '["status"]')
  case $final in done | failed | cancelled) break ;; esac
  sleep 0.1
done
check "scan of my address finished" "$final" "done"
in_lab 10 curl -sf "$PROXY_URL/api/v1/scans/$id/results?format=json" >"$WORK_DIR/mine.json" || true
check "scan of my address found the client's own port open" "$(python3 -c '
import json, sys
def records(node, ip=None):  # (ip, record): a port record, with the ip of its host
    if isinstance(node, dict):
        ip = node.get("ip", ip)
        if "port" in node:
            yield ip, node
        for value in node.values():
            yield from records(value, ip)
    elif isinstance(node, list):
        for value in node:
            yield from records(value, ip)
found = [(ip, r["state"]) for ip, r in records(json.load(open(sys.argv[1])))
         if r.get("port") == 5555]
print("yes" if found == [("198.18.0.1", "open")] else "no: %s" % found)' "$WORK_DIR/mine.json")" yes
check "anonymous scan of another host" "$(post_anonymous '{"targets":"198.19.0.7","ports":"80"}')" 403
check "anonymous scan of another host, forged X-Forwarded-For" \
  "$(post_anonymous '{"targets":"198.19.0.7","ports":"80"}' -H 'X-Forwarded-For: 198.19.0.7')" 403

# --- 3. the event stream through nginx is unbuffered ---------------------------------------
in_lab 30 curl -s -o "$WORK_DIR/body" -H "Authorization: Bearer $LAB" \
  -H 'Content-Type: application/json' \
  --data-binary '{"targets":"198.19.0.7","ports":"1-300","rate":60}' "$PROXY_URL/api/v1/scans"
sid=$(json_field '["id"]' <"$WORK_DIR/body")
timing=$(in_lab 60 python3 - "$sid" "$LAB" <<'PY'
import json, socket, sys, time
sid, token = sys.argv[1], sys.argv[2]
s = socket.create_connection(("198.18.0.2", 8080), timeout=30)
start = time.monotonic()
# HTTP/1.0: nginx answers without chunked framing, so the body is the event text as sent.
s.sendall(f"GET /api/v1/scans/{sid}/events?states=all HTTP/1.0\r\nHost: lab\r\n"
          f"Authorization: Bearer {token}\r\n\r\n".encode())
data, first, end, count = b"", None, None, 0
while end is None:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
    now = time.monotonic()
    if first is None and b"event: port" in data:
        first = now - start
    if b"event: end" in data:
        end = now - start
ports = set()
for block in data.split(b"\n\n"):
    fields = dict(l.split(b": ", 1) for l in block.split(b"\n") if b": " in l)
    if fields.get(b"event") == b"port":
        record = json.loads(fields[b"data"])
        ports.add((record["ip"], record["port"]))
count = len(ports)
print(f"{first if first is not None else -1:.3f} {end if end is not None else -1:.3f} {count}")
PY
)
read -r first_s end_s events <<<"$timing"
say "event stream through nginx: first port event after ${first_s} s, end after ${end_s} s, $events port events"
check "every port record arrived" "$events" 300
check "first event long before the end (unbuffered)" \
  "$(python3 -c "print('yes' if 0 <= $first_s < 1.0 and $end_s - $first_s >= 2.5 else 'no')")" yes

# --- 4. the log ---------------------------------------------------------------------------
check "request lines name the resolved client" \
  "$(grep -c 'request method=GET path=/api/v1/whoami status=200 .* client=198.18.0.1 token=-' \
    "$WORK_DIR/serve.err")" 7
check "the token's name is logged" \
  "$(grep -c 'request method=POST path=/api/v1/scans status=202 .* client=198.18.0.1 token=lab' \
    "$WORK_DIR/serve.err")" 1
check "the token itself is not" "$(grep -c -- "$LAB" "$WORK_DIR/serve.err" || true)" 0
check "refusals are logged with their reason" \
  "$(grep -c 'refused client=198.18.0.1 token=- targets=198.19.0.7 code=target_forbidden' \
    "$WORK_DIR/serve.err")" 2
check "scan start and end are logged" \
  "$(grep -cE "scan_(start|end) scan=$sid " "$WORK_DIR/serve.err")" 2

stop_all
[ "$fails" -eq 0 ] || die "$fails check(s) failed"
say "PASS: serve behind nginx"
