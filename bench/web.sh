#!/usr/bin/env bash
# Web-service benchmark (called by bench/run.sh, or alone): `portlens serve` in the scanner
# namespace of a lab this script builds, wrk on that namespace's loopback.
#   1. scan A: 198.19.0.7, all 65535 ports (the subject of the reads);
#   2. scan B: 198.19.0.8, all 65535 ports at 1,000 probes/s (~65 s), with BENCH_WEB_STREAMS
#      (default 100) clients holding its live event stream (?states=all: every record);
#   3. while B runs and the streams are held: wrk (BENCH_WEB_SECONDS, default 10 s each) on
#      GET /api/v1/scans/A and on GET /api/v1/scans/A/results (default ndjson: open+filtered);
#   4. every stream must have delivered each of B's 65535 records exactly once, then `end`.
# Each endpoint is measured paced (about 2,000 requests/s) and saturated. Prints a table and
# writes bench/results/web.md. Goal: p99 < 20 ms at 2,000 req/s.
#   bench/web.sh PATH_TO_PORTLENS
set -euo pipefail

BENCH_PART=bench/web
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STREAMS=${BENCH_WEB_STREAMS:-100}
SECONDS_EACH=${BENCH_WEB_SECONDS:-10}
PORT=18181

bench_check "bench/web.sh PATH_TO_PORTLENS" "$@" -- ip nft wrk curl
bench_lab wb
in_ns() { ip netns exec "$SCAN_NS" "$@"; }
cat >"$WORK_DIR/portlens.toml" <<TOML
listen = "127.0.0.1:$PORT"
db = "$WORK_DIR/portlens.db"
[tokens.bench]
allow = ["198.19.0.0/16"]
TOML
TOKEN=$(in_ns "$PORTLENS" token create --name bench --db "$WORK_DIR/portlens.db" 2>/dev/null)
# Started directly (not through in_ns, a function: its subshell would be $!), so SERVE_PID
# is the server itself.
ip netns exec "$SCAN_NS" "$PORTLENS" serve --config "$WORK_DIR/portlens.toml" \
  >"$WORK_DIR/serve.out" 2>"$WORK_DIR/serve.err" &
SERVE_PID=$!
BASE="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"
for _ in $(seq 1 50); do in_ns curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

post() { in_ns curl -sf -H "$AUTH" -H 'Content-Type: application/json' -d "$1" "$BASE/api/v1/scans" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
field() { in_ns curl -sf -H "$AUTH" "$BASE/api/v1/scans/$1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"; }

A=$(post '{"targets":"198.19.0.7","ports":"all"}')
for _ in $(seq 1 600); do [ "$(field "$A" status)" = "done" ] && break; sleep 0.1; done
[ "$(field "$A" status)" = "done" ] || die "scan A did not finish"
B=$(post '{"targets":"198.19.0.8","ports":"all","rate":1000}')
mkdir -p "$WORK_DIR/streams"
stream_pids=()
for n in $(seq 1 "$STREAMS"); do
  in_ns curl -sN -H "$AUTH" "$BASE/api/v1/scans/$B/events?states=all" \
    >"$WORK_DIR/streams/$n.txt" 2>/dev/null &
  stream_pids+=($!)
done
sleep 2
echo "bench/web: scan $A done; scan $B running at 1,000 probes/s with $STREAMS live streams" >&2

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
done_before=$(field "$B" ports_done)
read -r s_rps s_p50 s_p99 s_err < <(run_wrk scan "/api/v1/scans/$A" paced)
read -r r_rps r_p50 r_p99 r_err < <(run_wrk results "/api/v1/scans/$A/results" paced)
read -r ss_rps ss_p50 ss_p99 ss_err < <(run_wrk scan-max "/api/v1/scans/$A" saturated)
read -r rs_rps rs_p50 rs_p99 rs_err < <(run_wrk results-max "/api/v1/scans/$A/results" saturated)
done_after=$(field "$B" ports_done)
status_after=$(field "$B" status)
[ "$status_after" = running ] ||
  echo "bench/web: note: scan $B was $status_after by the end of the wrk runs" >&2
for _ in $(seq 1 1200); do [ "$(field "$B" status)" = "done" ] && break; sleep 0.1; done
for pid in "${stream_pids[@]}"; do
  timeout 30 tail --pid="$pid" -f /dev/null || kill "$pid" 2>/dev/null || true
done
stream_check=$(python3 - "$WORK_DIR/streams" "$STREAMS" <<'PY'
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
)
{
  echo "## Web service (bench/web.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs. \`portlens serve\` (2 HTTP threads) and wrk"
  echo "(${SECONDS_EACH} s per row) on loopback in the lab's scanner namespace, while"
  echo "scan $B (198.19.0.8, 65535 ports at 1,000 probes/s) runs with $STREAMS clients holding its"
  echo "live event stream (\`?states=all\`). Reads target the finished 65535-port scan $A."
  echo
  echo "| endpoint | load | requests/s | p50 ms | p99 ms | non-2xx |"
  echo "|---|---|---:|---:|---:|---:|"
  echo "| GET /api/v1/scans/{id} | paced (24 conn, 10 ms think) | $s_rps | $s_p50 | $s_p99 | $s_err |"
  echo "| GET /api/v1/scans/{id}/results (ndjson) | paced | $r_rps | $r_p50 | $r_p99 | $r_err |"
  echo "| GET /api/v1/scans/{id} | saturated (16 conn) | $ss_rps | $ss_p50 | $ss_p99 | $ss_err |"
  echo "| GET /api/v1/scans/{id}/results (ndjson) | saturated | $rs_rps | $rs_p50 | $rs_p99 | $rs_err |"
  echo
  echo "Scan $B progressed from $done_before to $done_after ports during the wrk runs."
  echo "Live streams that delivered every one of the 65535 records exactly once, then \`end\`:"
  echo "$stream_check."
} >"$WORK_DIR/web.md"
mkdir -p "$BENCH_DIR/results"
cp "$WORK_DIR/web.md" "$BENCH_DIR/results/web.md"
cat "$WORK_DIR/web.md"
case $stream_check in "$STREAMS/$STREAMS"*) ;; *) die "some live streams lost or repeated records" ;; esac
