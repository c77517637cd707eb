#!/usr/bin/env bash
# SYN scan of loopback (127.0.0.1 and ::1) in a private network namespace: IPv4 loopback
# packets must go through the raw IP path (a frame injected on `lo` would be a martian), and
# both families must report exactly the listeners this test opened.
#   syn_loopback.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
[ "$(id -u)" -eq 0 ] || skip "needs root (unshare -n, raw sockets)"
for tool in unshare python3 timeout; do command -v "$tool" >/dev/null || skip "$tool missing"; done
WORK_DIR=$(mktemp -d /tmp/portlens-it-lo.XXXXXX)
trap 'rm -rf "$WORK_DIR"' EXIT

cat >"$WORK_DIR/inside.sh" <<'INSIDE'
set -euo pipefail
ip link set lo up
python3 - "$@" <<'PY' &
import socket, sys, time
held = []
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    for port in (22, 631, 1500, 1999):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port)); s.listen(64); held.append(s)
open(sys.argv[1], "w").close()
time.sleep(60)
PY
listeners=$!
for _ in $(seq 100); do [ -e "$READY" ] && break; sleep 0.05; done
"$PORTLENS" scan --syn -p 1-2000 --format ndjson --states all --quiet 127.0.0.1 ::1 >"$OUT"
kill "$listeners"
INSIDE
status=0
READY="$WORK_DIR/ready" OUT="$WORK_DIR/scan.ndjson" PORTLENS="$PORTLENS" \
  timeout -k 5 60 unshare -n bash "$WORK_DIR/inside.sh" "$WORK_DIR/ready" || status=$?
[ "$status" -eq 0 ] || die "the loopback scan failed ($status)"
python3 - "$WORK_DIR/scan.ndjson" <<'PY' || die "loopback results are wrong"
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
ports = [r for r in records if r["type"] == "port"]
opened = {(ip, p) for ip in ("127.0.0.1", "::1") for p in (22, 631, 1500, 1999)}
found_open = {(r["ip"], r["port"]) for r in ports if r["state"] == "open"}
wrong = [r for r in ports if r["state"] not in ("open", "closed") or
         ((r["ip"], r["port"]) in opened) != (r["state"] == "open")]
print(f"{len(ports)} port records, open {sorted(found_open)}, wrong {len(wrong)}", file=sys.stderr)
sys.exit(0 if len(ports) == 4000 and found_open == opened and not wrong else 1)
PY
say "PASS: loopback SYN scan of both families is exact"
