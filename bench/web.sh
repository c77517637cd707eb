#!/usr/bin/env bash
# Web-service benchmark (called by bench/run.sh, or alone): `portlens serve` in the scanner
# namespace of a lab this script builds, wrk on that namespace's loopback. Once per path
# (BENCH_WEB_MODES, default "direct nginx tls"): straight to serve; through nginx with the
# configuration of docs/deploy.md (2 workers); serve's native TLS (a CA made here).
#   1. scan A: 198.19.0.7, all 65535 ports (the subject of the reads; made once);
#   2. scan B: 198.19.0.8, all 65535 ports at 1,000 probes/s (~65 s), with BENCH_WEB_STREAMS
#      (default 100) clients holding its live event stream (?states=all: every record);
#   3. while B runs and the streams are held: wrk (BENCH_WEB_SECONDS, default 10 s each) on
#      GET /api/v1/scans/A and on GET /api/v1/scans/A/results (default ndjson: open+filtered);
#   4. every stream must have delivered each of B's 65535 records exactly once, then `end`;
#   5. through nginx, the first seconds of B's stream are read straight and through nginx at
#      once (bench/sse_latency.py): how much later each event arrives through the proxy.
# Each endpoint is measured paced (about 2,000 requests/s) and saturated. Prints a table and
# writes bench/results/web.md. Goals: p99 < 20 ms at 2,000 req/s on every path; events through
# nginx within 100 ms.
#   bench/web.sh PATH_TO_PORTLENS
set -euo pipefail

BENCH_PART=bench/web
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/web_nginx.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/web_nginx.sh"
STREAMS=${BENCH_WEB_STREAMS:-100}
SECONDS_EACH=${BENCH_WEB_SECONDS:-10}
MODES=${BENCH_WEB_MODES:-direct nginx tls}
PORT=18181
NGINX_PORT=18182
NGINX_PID=""

bench_check "bench/web.sh PATH_TO_PORTLENS" "$@" -- ip nft wrk curl openssl nginx
bench_lab wb
in_ns() { ip netns exec "$SCAN_NS" "$@"; }
stop_front() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" || true; fi
  if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" || true; fi
  NGINX_PID="" SERVE_PID=""
}
trap 'stop_front; bench_cleanup' EXIT
TOKEN=$(in_ns "$PORTLENS" token create --name bench --db "$WORK_DIR/portlens.db" 2>/dev/null)
AUTH="Authorization: Bearer $TOKEN"
# The native TLS pair: a CA and a certificate for 127.0.0.1 it signs (P-256).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=bench-ca -keyout "$WORK_DIR/ca.key" -out "$WORK_DIR/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
  -keyout "$WORK_DIR/key.pem" -out "$WORK_DIR/cert.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$WORK_DIR/san.ext"
openssl x509 -req -in "$WORK_DIR/cert.csr" -CA "$WORK_DIR/ca.pem" -CAkey "$WORK_DIR/ca.key" \
  -CAcreateserial -days 2 -extfile "$WORK_DIR/san.ext" -out "$WORK_DIR/cert.pem" 2>/dev/null

# start_front MODE: serve (and nginx) for this path; sets BASE and CURL_TLS.
start_front() {
  {
    echo "listen = \"127.0.0.1:$PORT\""
    echo "db = \"$WORK_DIR/portlens.db\""
    echo 'trusted_proxies = ["127.0.0.1"]'
    if [ "$1" = tls ]; then
      echo "tls_cert = \"$WORK_DIR/cert.pem\""
      echo "tls_key = \"$WORK_DIR/key.pem\""
    fi
    printf '[tokens.bench]\nallow = ["198.19.0.0/16"]\n'
  } >"$WORK_DIR/portlens.toml"
  # Started directly (not through in_ns, a function: its subshell would be $!), so SERVE_PID
  # is the server itself.
  ip netns exec "$SCAN_NS" "$PORTLENS" serve --config "$WORK_DIR/portlens.toml" \
    >"$WORK_DIR/serve-$1.out" 2>"$WORK_DIR/serve-$1.err" &
  SERVE_PID=$!
  CURL_TLS=()
  BASE="http://127.0.0.1:$PORT"
  case $1 in
    nginx)
      nginx_conf_from_docs "$REPO_DIR/docs/deploy.md" "127.0.0.1:$NGINX_PORT" "$PORT" \
        "$WORK_DIR" 2 >"$WORK_DIR/nginx.conf"
      ip netns exec "$SCAN_NS" nginx -p "$WORK_DIR/" -c "$WORK_DIR/nginx.conf" \
        -e "$WORK_DIR/nginx-error.log" &
      NGINX_PID=$!
      BASE="http://127.0.0.1:$NGINX_PORT"
      ;;
    tls)
      CURL_TLS=(--cacert "$WORK_DIR/ca.pem")
      BASE="https://127.0.0.1:$PORT"
      ;;
  esac
  for _ in $(seq 1 50); do in_ns curl -sf "${CURL_TLS[@]}" "$BASE/healthz" >/dev/null && return; sleep 0.1; done
  die "serve ($1) did not come up"
}

post() { in_ns curl -sf "${CURL_TLS[@]}" -H "$AUTH" -H 'Content-Type: application/json' -d "$1" \
  "$BASE/api/v1/scans" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
field() { in_ns curl -sf "${CURL_TLS[@]}" -H "$AUTH" "$BASE/api/v1/scans/$1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"; }

# wrk has no rate option: the paced runs use 24 connections that each wait 10 ms after every
# answer (wrk's Lua delay()), which lands near 2,000 requests/s; the saturated runs use 16
# connections without pauses (the most the server gives).
echo 'function delay() return 10 end' >"$WORK_DIR/pace.lua"
run_wrk() {  # run_wrk NAME PATH paced|saturated -> "req/s p50_ms p99_ms non2xx"
  local args=(-t2 -c16)
  [ "$3" = paced ] && args=(-t2 -c24 -s "$WORK_DIR/pace.lua")
  in_ns wrk "${args[@]}" -d"${SECONDS_EACH}s" --latency -H "$AUTH" "$BASE$2" >"$WORK_DIR/wrk-$1.txt"
  python3 - "$WORK_DIR/wrk-$1.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {ms('50%'):.2f} {ms('99%'):.2f} {errors.group(1) if errors else 0}")
PY
}

check_streams() {  # check_streams DIR -> "good/expected (problems)"
  python3 - "$1" "$STREAMS" <<'PY'
import json, os, sys
folder, expected = sys.argv[1], int(sys.argv[2])
good, problems = 0, []
for name in sorted(os.listdir(folder)):
    seen, dupes, end = set(), 0, False
    for block in open(os.path.join(folder, name)).read().split("\n\n"):
        fields = dict(l.split(": ", 1) for l in block.split("\n") if ": " in l and not l.startswith(":"))
        if fields.get("event") == "port":
            r = json.loads(fields["data"])
            key = (r["ip"], r["port"])
            dupes += key in seen
            seen.add(key)
        elif fields.get("event") == "end":
            end = True
    if len(seen) == 65535 and dupes == 0 and end:
        good += 1
    else:
        problems.append(f"{name}: {len(seen)} records, {dupes} repeated, end={end}")
print(f"{good}/{expected}" + ("" if not problems else " (" + "; ".join(problems[:3]) + ")"))
PY
}

declare -A LABEL=([direct]="direct" [nginx]="through nginx" [tls]="native TLS")
A=""
ROWS=""
NOTES=""
all_streams_ok=1
for mode in $MODES; do
  [ -n "${LABEL[$mode]:-}" ] || die "unknown mode '$mode' (direct, nginx, tls)"
  start_front "$mode"
  if [ -z "$A" ]; then
    A=$(post '{"targets":"198.19.0.7","ports":"all"}')
    for _ in $(seq 1 600); do [ "$(field "$A" status)" = "done" ] && break; sleep 0.1; done
    [ "$(field "$A" status)" = "done" ] || die "scan A did not finish"
  fi
  B=$(post '{"targets":"198.19.0.8","ports":"all","rate":1000}')
  latency_pid=""
  if [ "$mode" = nginx ]; then
    in_ns python3 "$BENCH_DIR/sse_latency.py" "127.0.0.1:$PORT" "127.0.0.1:$NGINX_PORT" \
      "/api/v1/scans/$B/events?states=all" "$TOKEN" 8 >"$WORK_DIR/latency.json" &
    latency_pid=$!
  fi
  rm -rf "$WORK_DIR/streams"
  mkdir -p "$WORK_DIR/streams"
  stream_pids=()
  for n in $(seq 1 "$STREAMS"); do
    in_ns curl -sN "${CURL_TLS[@]}" -H "$AUTH" "$BASE/api/v1/scans/$B/events?states=all" \
      >"$WORK_DIR/streams/$n.txt" 2>/dev/null &
    stream_pids+=($!)
  done
  sleep 2
  echo "bench/web ($mode): scan $A done; scan $B running at 1,000 probes/s with $STREAMS live streams" >&2
  done_before=$(field "$B" ports_done)
  read -r s_rps s_p50 s_p99 s_err < <(run_wrk "scan-$mode" "/api/v1/scans/$A" paced)
  read -r r_rps r_p50 r_p99 r_err < <(run_wrk "results-$mode" "/api/v1/scans/$A/results" paced)
  read -r ss_rps ss_p50 ss_p99 ss_err < <(run_wrk "scan-max-$mode" "/api/v1/scans/$A" saturated)
  read -r rs_rps rs_p50 rs_p99 rs_err < <(run_wrk "results-max-$mode" "/api/v1/scans/$A/results" saturated)
  done_after=$(field "$B" ports_done)
  status_after=$(field "$B" status)
  [ "$status_after" = running ] ||
    echo "bench/web: note: scan $B was $status_after by the end of the wrk runs" >&2
  for _ in $(seq 1 1200); do [ "$(field "$B" status)" = "done" ] && break; sleep 0.1; done
  for pid in "${stream_pids[@]}"; do
    timeout 30 tail --pid="$pid" -f /dev/null || kill "$pid" 2>/dev/null || true
  done
  [ -z "$latency_pid" ] || wait "$latency_pid" || true
  stream_check=$(check_streams "$WORK_DIR/streams")
  case $stream_check in "$STREAMS/$STREAMS"*) ;; *) all_streams_ok=0 ;; esac
  l=${LABEL[$mode]}
  ROWS+="| $l | GET /api/v1/scans/{id} | paced (24 conn, 10 ms think) | $s_rps | $s_p50 | $s_p99 | $s_err |
| $l | GET /api/v1/scans/{id}/results (ndjson) | paced | $r_rps | $r_p50 | $r_p99 | $r_err |
| $l | GET /api/v1/scans/{id} | saturated (16 conn) | $ss_rps | $ss_p50 | $ss_p99 | $ss_err |
| $l | GET /api/v1/scans/{id}/results (ndjson) | saturated | $rs_rps | $rs_p50 | $rs_p99 | $rs_err |
"
  NOTES+="- $l: scan $B progressed from $done_before to $done_after ports during the wrk runs; live
  streams that delivered every one of the 65535 records exactly once, then \`end\`: $stream_check.
"
  if [ "$mode" = nginx ] && [ -s "$WORK_DIR/latency.json" ]; then
    NOTES+=$(python3 - "$WORK_DIR/latency.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"- Live events, the same stream read straight and through nginx at once for 8 s: first "
      f"port event after {d['first_direct_s']:.3f} s straight, {d['first_proxy_s']:.3f} s "
      f"through nginx; arrival offset of the same record (through nginx minus straight; each "
      f"stream polls every 200 ms on its own, so +-200 ms of poll phase is included), "
      f"{d['matched']} records: p50 {d['delay_ms_p50']} ms, p99 {d['delay_ms_p99']} ms, "
      f"max {d['delay_ms_max']} ms.")
PY
)
    NOTES+=$'\n'
  fi
  stop_front
done
{
  echo "## Web service (bench/web.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs. \`portlens serve\` (2 HTTP threads) and wrk"
  echo "(${SECONDS_EACH} s per row) on loopback in the lab's scanner namespace, while scan B"
  echo "(198.19.0.8, 65535 ports at 1,000 probes/s) runs with $STREAMS clients holding its live event"
  echo "stream (\`?states=all\`). Reads target the finished 65535-port scan $A. Paths: direct; through"
  echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') with docs/deploy.md's configuration (2 workers, upstream"
  echo "keep-alive); serve's native TLS (ECDSA P-256, wrk's TLS client)."
  echo
  echo "| path | endpoint | load | requests/s | p50 ms | p99 ms | non-2xx |"
  echo "|---|---|---|---:|---:|---:|---:|"
  printf '%s' "$ROWS"
  echo
  printf '%s' "$NOTES"
} >"$WORK_DIR/web.md"
mkdir -p "$BENCH_DIR/results"
cp "$WORK_DIR/web.md" "$BENCH_DIR/results/web.md"
cat "$WORK_DIR/web.md"
[ "$all_streams_ok" = 1 ] || die "some live streams lost or repeated records"
