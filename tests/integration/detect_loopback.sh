#!/usr/bin/env bash
# portlens scan -sV against loopback fakes (tests/integration/detect_fakes.py) inside a private
# network namespace made here (unshare -n, lo up): NDJSON fields port by port, well-formed XML
# with <service>, the text VERSION column, -sV spelled both ways, and the usage errors.
#   detect_loopback.sh PORTLENS_BIN
set -euo pipefail
bin=${1:?usage: $0 PORTLENS_BIN}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${PORTLENS_IN_NETNS:-}" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v python3 >/dev/null ||
    ! command -v xmllint >/dev/null || ! command -v openssl >/dev/null; then
    echo "detect_loopback: needs root, unshare, python3, xmllint and openssl; skipped" >&2
    exit 77
  fi
  PORTLENS_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up
work=$(mktemp -d)
fakes_pid=
cleanup() {
  if [ -n "$fakes_pid" ]; then kill "$fakes_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$here/detect_fakes.py" --lifetime 300 >"$work/ports.json" &
fakes_pid=$!
for _ in $(seq 100); do [ -s "$work/ports.json" ] && break; sleep 0.1; done
ports=$(python3 -c 'import json,sys; print(",".join(map(str, json.load(open(sys.argv[1])).values())))' \
  "$work/ports.json")

fail() { echo "detect_loopback: $*" >&2; exit 1; }

"$bin" scan --connect -sV -q -p "$ports" 127.0.0.1 --format ndjson >"$work/scan.ndjson"
python3 - "$work/ports.json" "$work/scan.ndjson" <<'PY'
import json, sys
ports = json.load(open(sys.argv[1]))
records = [json.loads(line) for line in open(sys.argv[2])]
scan = records[0]
assert scan["type"] == "scan" and scan["service_detection"] is True, scan
by_port = {r["port"]: r for r in records if r.get("type") == "port"}
def port(name):
    return by_port[ports[name]]
expected = {
    "ssh": {"service": "ssh", "product": "OpenSSH", "version": "9.2p1 Debian 2+deb12u3",
            "method": "probed", "conf": 10},
    "http": {"service": "http", "product": "nginx", "version": "1.22.1", "method": "probed"},
    "https": {"service": "http", "product": "nginx", "version": "1.22.1", "tunnel": "ssl"},
    "smtp": {"service": "smtp", "product": "Postfix smtpd"},
    "wrapped": {"service": "tcpwrapped"},
    "trickle": {"service": "ssh"},
    "flood": {"method": "table", "conf": 3},
    "hostile": {"method": "table", "conf": 3},
}
for name, fields in expected.items():
    record = port(name)
    for key, value in fields.items():
        assert record.get(key) == value, (name, key, record.get(key), value)
    assert len(record.get("banner", "").encode()) <= 4 * 1024, name  # 1 KiB raw, escaped
for name in ("https", "smtp"):
    tls = port(name)["tls"]
    assert tls["common_name"] == "fake.test", tls
    assert "IP:127.0.0.1" in tls["sans"] and tls["self_signed"] and tls["expires_soon"], tls
    assert len(tls["sha256"]) == 64, tls
assert "\x1b" not in open(sys.argv[2]).read(), "raw escape byte in NDJSON"
print("ndjson: %d ports checked" % len(expected))
PY

# -sV and --service-detection are the same option; the XML is well-formed nmap-like XML.
"$bin" scan --connect --service-detection -q -p "$ports" 127.0.0.1 --format xml >"$work/scan.xml"
xmllint --noout "$work/scan.xml" || fail "XML is not well-formed"
grep -q '<service name="ssh" product="OpenSSH"' "$work/scan.xml" || fail "no <service> for ssh"
grep -q 'tunnel="ssl"' "$work/scan.xml" || fail "no ssl tunnel in XML"

"$bin" scan --connect -sV -q -p "$ports" 127.0.0.1 >"$work/scan.txt"
grep -Eq '^PORT +STATE +SERVICE +REASON +VERSION' "$work/scan.txt" || fail "no VERSION column"
grep -Eq 'ssl/http +syn-ack +nginx 1\.22\.1' "$work/scan.txt" || fail "text: no ssl/http nginx"
if grep -q $'\x1b' "$work/scan.txt"; then fail "raw escape byte on the terminal output"; fi

# A SYN scan probes too, after dropping its privileges (the prober starts in run()).
"$bin" scan --syn -sV -q -p "$ports" 127.0.0.1 --format grep >"$work/syn.grep"
grep -q '/open/tcp//ssh//OpenSSH 9.2p1' "$work/syn.grep" || fail "SYN -sV: ssh not named"
grep -q '/open/tcp//ssl|http//nginx 1.22.1' "$work/syn.grep" || fail "SYN -sV: ssl/http not named"

# Ctrl-C while the hostile and flood ports still wait: every open port is still written (the
# ones already named with their service), the summary says interrupted, exit 130.
"$bin" scan --connect -sV -q -p "$ports" 127.0.0.1 --format ndjson >"$work/int.ndjson" &
scan_pid=$!
sleep 1.5
kill -INT "$scan_pid"
set +e
wait "$scan_pid"
code=$?
set -e
[ "$code" -eq 130 ] || fail "interrupted -sV scan exited $code, want 130"
python3 - "$work/ports.json" "$work/int.ndjson" <<'PY'
import json, sys
ports = json.load(open(sys.argv[1]))
records = [json.loads(line) for line in open(sys.argv[2])]
by_port = {r["port"]: r for r in records if r.get("type") == "port"}
assert len(by_port) == len(ports), sorted(by_port)
assert by_port[ports["ssh"]]["service"] == "ssh", by_port[ports["ssh"]]
assert records[-1]["type"] == "summary" and records[-1]["interrupted"] is True, records[-1]
print("sigint: %d ports written" % len(by_port))
PY

# Usage errors: exit 2 with one clear line.
expect_usage() {
  local pattern=$1
  shift
  set +e
  "$bin" scan --connect -q -p "$ports" 127.0.0.1 "$@" >/dev/null 2>"$work/err"
  local code=$?
  set -e
  [ "$code" -eq 2 ] || fail "exit $code (want 2) for: $*"
  grep -Eq "$pattern" "$work/err" || fail "message for $*: $(cat "$work/err")"
}
printf 'Probe TCP NULL q||\nmatch ssh m|^SSH| p/x/ bogus\n' >"$work/bad-probes"
expect_usage "bad-probes:2:[0-9]+:" -sV --service-probes "$work/bad-probes"
expect_usage "cannot read" -sV --service-probes "$work/missing"
expect_usage "need -sV" --version-intensity 3
expect_usage "between 0 and 9" -sV --version-intensity 12
expect_usage "exclude each other" -sV --version-light --version-all
echo "detect_loopback: ok"
