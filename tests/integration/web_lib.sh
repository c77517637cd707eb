# shellcheck shell=bash
# Shared by the web-service tests (sourced after lib.sh): starts `portlens serve` INSIDE the
# lab's scanner namespace (its HTTP listener is that namespace's 127.0.0.1) and talks to it
# with curl, also inside the namespace. Nothing listens or scans in the machine's namespace.

WEB_PORT=18080
SERVE_PID=""

# web_config EXTRA_TOML: writes $WORK_DIR/portlens.toml allowing the lab blocks to the
# `lab` token; EXTRA_TOML is appended.
web_config() {
  cat >"$WORK_DIR/portlens.toml" <<TOML
listen = "127.0.0.1:$WEB_PORT"
db = "$WORK_DIR/portlens.db"
max_running_scans = 2
max_probes = 400000
user = "nobody"
[tokens.lab]
allow = ["198.19.0.0/16", "2001:2:0:1::/64"]
${1:-}
TOML
}

# token_create NAME [ARGS...]: prints the new token.
token_create() {
  local name=$1
  shift
  in_lab 10 "$PORTLENS" token create --name "$name" --db "$WORK_DIR/portlens.db" "$@" 2>/dev/null
}

# Started as root, serve becomes `user` (nobody) before it accepts: the database and its
# folder must be that user's (docs/deploy.md, "Privilege model").
serve_start() {
  chown -R nobody: "$WORK_DIR"
  ip netns exec "$SCAN_NS" "$PORTLENS" serve --config "$WORK_DIR/portlens.toml" \
    >>"$WORK_DIR/serve.out" 2>>"$WORK_DIR/serve.err" &
  SERVE_PID=$!
  for _ in $(seq 1 50); do
    if in_lab 2 curl -sf "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  cat "$WORK_DIR/serve.err" >&2
  die "portlens serve did not come up"
}

# serve_stop [SIGNAL]: stops the server and waits for it; returns its exit status.
serve_stop() {
  local signal=${1:-TERM} status=0
  [ -n "$SERVE_PID" ] || return 0
  kill -"$signal" "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" || status=$?
  SERVE_PID=""
  return "$status"
}

# api METHOD PATH [BODY] [TOKEN] [CONTENT_TYPE]: sets HTTP_STATUS, writes the body to
# $WORK_DIR/body and prints it.
api() {
  local method=$1 path=$2 body=${3:-} token=${4:-} type=${5:-application/json}
  local args=(-s -o "$WORK_DIR/body" -D "$WORK_DIR/headers" -w '%{http_code}' -X "$method")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H "Content-Type: $type" --data-binary "$body")
  # shellcheck disable=SC2034  # HTTP_STATUS is this function's result, read by its callers
  HTTP_STATUS=$(in_lab 30 curl "${args[@]}" "http://127.0.0.1:$WEB_PORT$path") || HTTP_STATUS=000
  cat "$WORK_DIR/body"
}

json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

# wait_final ID TOKEN SECONDS: waits until the scan is final; prints the final status.
wait_final() {
  local id=$1 token=$2 limit=${3:-60} status=""
  for _ in $(seq 1 $((limit * 10))); do
    status=$(api GET "/api/v1/scans/$id" "" "$token" | json_field '["status"]')
    case $status in done | failed | cancelled) echo "$status"; return 0 ;; esac
    sleep 0.1
  done
  echo "$status"
}

# Counts a failed check of the last request (HTTP_STATUS and $WORK_DIR/body) in `fails`, which
# the calling test sets to 0 and reads at its end.
expect() {  # expect WHAT EXPECTED_STATUS [SUBSTRING]
  local what=$1 want=$2 text=${3:-}
  if [ "$HTTP_STATUS" != "$want" ] || { [ -n "$text" ] && ! grep -qF -- "$text" "$WORK_DIR/body"; }; then
    echo "FAIL: $what: got $HTTP_STATUS $(cat "$WORK_DIR/body"), want $want ${text:+containing \"$text\"}" >&2
    fails=$((fails + 1))
  fi
}

# check_event_stream FILE WANT: FILE holds a whole event stream (curl -N of
# /api/v1/scans/ID/events?states=all). Passes when it carries WANT distinct port records, each
# exactly once, in ascending id (seq) order, then an `end` event of a done scan; prints a
# summary line, or the first broken rule and returns 1.
check_event_stream() {
  python3 - "$1" "$2" <<'PY'
import json, sys
seen, ids, end = set(), [], False
for block in open(sys.argv[1]).read().split("\n\n"):
    lines = dict(l.split(": ", 1) for l in block.split("\n") if ": " in l and not l.startswith(":"))
    if lines.get("event") == "port":
        r = json.loads(lines["data"]); key = (r["ip"], r["port"])
        assert key not in seen, f"record {key} delivered twice"
        seen.add(key); ids.append(int(lines["id"]))
    elif lines.get("event") == "end":
        end = json.loads(lines["data"])["status"] == "done"
want = int(sys.argv[2])
assert ids == sorted(ids), "event ids out of order"
assert len(seen) == want, f"{len(seen)} distinct port records, want {want}"
assert end, "no end event"
print(f"event stream: {want} records, each once, then end")
PY
}
