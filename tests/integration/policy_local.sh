#!/usr/bin/env bash
# `portlens audit --local` in a private network namespace (unshare -n: only the listeners this
# test starts exist there), naming their processes:
#  1. a listener per finding kind: python3 on a documented port (fine), perl where the policy
#     says sshd (process_mismatch), a documented port nobody holds (missing), python3 on an
#     undocumented port (unexpected_listener, with its pid, name and user): exit 1;
#  2. a policy matching what listens: exit 0; `policy init --local` drafts exactly those ports;
#  3. --watch reports a new listener within a second, with its process, and its going away.
#   policy_local.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/common.sh
source "$(dirname "$0")/common.sh"

PORTLENS=${1:-}
[ -x "$PORTLENS" ] || skip "portlens binary '$PORTLENS' is not built"
[ "$(id -u)" -eq 0 ] || skip "unshare -n needs root"
for tool in unshare ip python3 perl timeout; do
  command -v "$tool" >/dev/null || skip "'$tool' is not installed"
done

if [ "${POLICY_LOCAL_INNER:-}" != 1 ]; then
  # Everything below runs in a fresh network namespace that dies with this process.
  exec timeout -k 5 60 unshare -n env POLICY_LOCAL_INNER=1 bash "$0" "$@"
fi

ip link set lo up
work=$(mktemp -d /tmp/portlens-local.XXXXXX)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else say "outputs kept in $work"; fi
  exit "$status"
}
trap cleanup EXIT
started=$(date +%s.%N)

# listen_python PORT: a python3 listener on 127.0.0.1:PORT; returns once it listens.
listen_python() {
  python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("listening", flush=True); time.sleep(120)' "$1" >"$work/py-$1" &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening "$work/py-$1" 2>/dev/null && return; sleep 0.05; done
  die "python3 did not listen on $1"
}
listen_python 18080
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "0.0.0.0:18081",
  Listen => 5, ReuseAddr => 1) or die; sleep 120' &
pids+=($!)
listen_python 18083
for _ in $(seq 100); do
  "$PORTLENS" who 18081 2>/dev/null | grep -q perl && break
  sleep 0.05
done

cat >"$work/policy.yaml" <<'YAML'
hosts:
  - match: local
    ports:
      - port: 18080
        process: python3
        owner: web
      - port: 18081
        process: sshd
        owner: infra
      - port: 18082
        owner: dba
YAML

say "1. one listener per finding kind"
status=0
"$PORTLENS" audit --local --policy "$work/policy.yaml" --format ndjson >"$work/audit.ndjson" ||
  status=$?
[ "$status" -eq 1 ] || die "audit --local exited $status, expected 1"
python3 - "$work/audit.ndjson" "${pids[2]}" <<'PY' || die "wrong local findings"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
got = sorted((f["kind"], f["port"], f.get("process", {}).get("name", "")) for f in lines
             if f["type"] == "finding")
expected = [("missing", 18082, ""), ("process_mismatch", 18081, "perl"),
            ("unexpected_listener", 18083, "python3")]
if got != expected:
    print("got", got, file=sys.stderr)
    sys.exit(1)
new = [f for f in lines if f.get("kind") == "unexpected_listener"][0]
assert new["process"]["pid"] == int(sys.argv[2]), new
assert new["process"]["user"] == "root", new
assert new["local"] is True and new["ip"] == "127.0.0.1", new
PY

say "2. a matching policy, and policy init --local"
"$PORTLENS" policy init --local -o "$work/draft.yaml"
grep -q 'process: "perl"' "$work/draft.yaml" || die "the draft does not name perl"
"$PORTLENS" audit --local --policy "$work/draft.yaml" >"$work/clean.txt" ||
  die "audit against the draft: $(cat "$work/clean.txt")"
grep -q "^No findings: 3 listening sockets" "$work/clean.txt" || die "$(cat "$work/clean.txt")"

say "3. --watch sees a new listener within a second"
"$PORTLENS" audit --local --watch --policy "$work/draft.yaml" --format ndjson \
  >"$work/watch.ndjson" 2>"$work/watch.err" &
watch_pid=$!
pids+=("$watch_pid")
sleep 0.3
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 18090)); s.listen()
print("%.3f" % time.time(), flush=True); time.sleep(1.5)' >"$work/new-listener" &
new_pid=$!
seen=""
for _ in $(seq 60); do
  if grep -q '"port":18090' "$work/watch.ndjson"; then
    seen=$(date +%s.%N)
    break
  fi
  sleep 0.05
done
[ -n "$seen" ] || die "--watch did not report the new listener within 3 s"
latency=$(python3 -c "print(round($seen - float(open('$work/new-listener').read()), 3))")
say "new listener reported after ${latency} s"
python3 -c "import sys; sys.exit(0 if $latency <= 1.0 else 1)" ||
  die "--watch took ${latency} s (more than a second)"
grep '"port":18090' "$work/watch.ndjson" | grep -q '"name":"python3"' ||
  die "the watch event does not name python3: $(cat "$work/watch.ndjson")"
wait "$new_pid"
for _ in $(seq 40); do
  grep -q '"type":"finding_resolved".*"port":18090' "$work/watch.ndjson" && break
  sleep 0.05
done
grep -q '"type":"finding_resolved".*"port":18090' "$work/watch.ndjson" ||
  die "--watch did not report the listener going away"
kill -TERM "$watch_pid"
status=0
wait "$watch_pid" || status=$?
[ "$status" -eq 1 ] || die "--watch exited $status after reporting a finding (expected 1)"

say "PASS in $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s"
