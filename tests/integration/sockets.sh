#!/usr/bin/env bash
# `portlens sockets`, `who`, `free`, `check` and `ephemeral` in a private network namespace
# holding sockets_helper.py's known set (listeners, established pairs, TIME_WAIT), checked
# against `ss -tan[p]` of the same namespace and against what the helper set up.
# Only loopback, only inside the namespace this test creates.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sockets_lib.sh"
require_tools
ns_up sock

# A 10-port ephemeral range in this namespace only, so 8 connections to one destination
# come close enough to exhaustion for `ephemeral` to warn.
in_ns sysctl -qw net.ipv4.ip_local_port_range="40000 40009" || die "sysctl in $NS"
helper_up --established 8 --time-wait 2
helper_pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$HELPER_JSON")
child_pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["child"])' "$HELPER_JSON")
compare="python3 $SOCKETS_DIR/sockets_compare.py"
W=$WORK_DIR

say "sockets -a -p (json) against ss -tanp"
in_ns ss -tanp >"$W/ss_p.txt" || die "ss -tanp"
in_ns "$PORTLENS" sockets -a -p --format json >"$W/all.json" || die "portlens sockets -a -p"
in_ns ss -tanp >"$W/ss_p2.txt"
cmp -s <(sort "$W/ss_p.txt") <(sort "$W/ss_p2.txt") || die "the namespace changed during the test"
$compare "$W/all.json" "$W/ss_p.txt" --processes || die "socket set or processes differ from ss"
# 5 listeners, 8 + 3 established pairs, 2 TIME_WAIT.
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["sockets"]))' "$W/all.json")
[ "$count" -eq 29 ] || die "expected 29 sockets, got $count"
python3 - "$W/all.json" "$helper_pid" "$child_pid" <<'PY' || die "process details"
import json, sys
doc = json.load(open(sys.argv[1]))
helper, child = int(sys.argv[2]), int(sys.argv[3])
shared = [s for s in doc["sockets"] if s["local"]["port"] == 9100 and s["state"] == "listening"]
assert len(shared) == 1, shared
assert sorted(p["pid"] for p in shared[0]["processes"]) == sorted([helper, child]), shared
for s in doc["sockets"]:
    for p in s["processes"]:
        assert p["name"].startswith("python3"), p
        assert "sockets_helper.py" in p["cmdline"], p
    assert s["local"]["port"] != 8080 or s["local"]["service"] == "http-alt", s
    assert s["local"]["range"] in ("well-known", "registered", "dynamic"), s
assert doc["notes"] == [], doc["notes"]
PY

say "sockets -N from outside, --procfs, -l, default, filters"
"$PORTLENS" sockets -a -N "$NS" --format json >"$W/netns.json" || die "sockets -N"
in_ns ss -tan >"$W/ss.txt"
$compare "$W/netns.json" "$W/ss.txt" || die "-N differs from ss -tan"
in_ns "$PORTLENS" sockets -a --procfs --format json >"$W/procfs.json" || die "--procfs"
$compare "$W/procfs.json" "$W/ss.txt" || die "/proc/net/tcp source differs from ss -tan"
in_ns ss -ltn >"$W/ss_l.txt"
in_ns "$PORTLENS" sockets -l --format json >"$W/l.json"
$compare "$W/l.json" "$W/ss_l.txt" || die "-l differs from ss -ltn"
in_ns ss -tn >"$W/ss_default.txt"
in_ns "$PORTLENS" sockets --format json >"$W/default.json"
$compare "$W/default.json" "$W/ss_default.txt" || die "default states differ from ss -tn"
in_ns ss -tan state established '( dport = :8080 )' >"$W/ss_f.txt"
in_ns "$PORTLENS" sockets state established and dport = 8080 --format json >"$W/f.json"
$compare "$W/f.json" "$W/ss_f.txt" || die "filter differs from ss's"
n=$(in_ns "$PORTLENS" sockets 'state time-wait' --format ndjson | wc -l)
[ "$n" -eq 2 ] || die "state time-wait: $n sockets, expected 2"
n=$(in_ns "$PORTLENS" sockets -a "process python3 and (sport = 8443 or dport = 8443)" \
  --format csv | tail -n +2 | wc -l)
[ "$n" -eq 7 ] || die "process filter: $n sockets, expected 7"
n=$(in_ns "$PORTLENS" sockets -a "not sport < 9000 and sport < 10000 and uid 0" --format ndjson | wc -l)
[ "$n" -eq 3 ] || die "sport/uid filter: $n sockets, expected 3 (9000, 9001, 9100)"
in_ns "$PORTLENS" sockets -a -p --sort state,-sport >"$W/text.txt" || die "text output"
grep -q '^LISTEN .*127.0.0.1:8080 .*http-alt/registered' "$W/text.txt" || die "text row"
in_ns "$PORTLENS" sockets 'sport <' 2>"$W/err.txt"
{ [ $? -eq 2 ] && [ "$(wc -l <"$W/err.txt")" -eq 1 ]; } || die "bad filter must exit 2 with one line"
"$PORTLENS" sockets -N pl-no-such-ns 2>/dev/null
[ $? -eq 2 ] || die "unknown namespace must exit 2"

say "who"
in_ns "$PORTLENS" who 8080 --format json >"$W/who.json" || die "who 8080 must exit 0"
python3 - "$W/who.json" "$helper_pid" <<'PY' || die "who 8080 holders"
import json, sys
port = json.load(open(sys.argv[1]))[0]
assert port["port"] == 8080 and port["service"] == "http-alt", port
pids = {p["pid"] for h in port["holders"] for p in h["processes"]}
assert int(sys.argv[2]) in pids, port
assert sum(h["state"] == "listening" for h in port["holders"]) == 1, port
PY
# Several ports at once (the kernel gets their bounds, the rest is filtered here): each one
# has exactly the sockets ss lists for it.
in_ns "$PORTLENS" who 9100 7777 8080 --format json >"$W/who_many.json" || die "who 9100 7777 8080"
for port in 9100 7777 8080; do
  expected=$(in_ns ss -tanH "sport = :$port" | wc -l)
  got=$(python3 -c 'import json, sys
ports = {p["port"]: p for p in json.load(open(sys.argv[1]))}
print(len(ports[int(sys.argv[2])]["holders"]))' "$W/who_many.json" "$port")
  [ "$got" -eq "$expected" ] || die "who $port among several: $got holders, ss lists $expected"
done
in_ns "$PORTLENS" who 7777 >/dev/null
[ $? -eq 1 ] || die "who on a port nobody holds must exit 1"
in_ns "$PORTLENS" who 70000 2>/dev/null
[ $? -eq 2 ] || die "who 70000 must exit 2"

say "check and free"
in_ns "$PORTLENS" check 8080 >"$W/check.txt"
[ $? -eq 1 ] || die "check 8080 must report a conflict (exit 1)"
{ grep -q "CONFLICT" "$W/check.txt" && grep -q "python3/$helper_pid" "$W/check.txt"; } ||
  die "check must name the holder: $(cat "$W/check.txt")"
in_ns "$PORTLENS" check 7777 >/dev/null || die "check 7777 must be free"
in_ns "$PORTLENS" check 40005 >"$W/check_eph.txt"  # held or not, the note is there
grep -q "ephemeral range 40000-40009" "$W/check_eph.txt" || die "check ephemeral note"
in_ns "$PORTLENS" free --range 9000-9001 >/dev/null
[ $? -eq 1 ] || die "free in a fully held range must exit 1"
in_ns "$PORTLENS" free --range 8000-9200 --count 5 >"$W/free.txt" || die "free --count 5"
[ "$(wc -l <"$W/free.txt")" -eq 5 ] || die "free printed $(wc -l <"$W/free.txt") ports"
while read -r port; do
  { [ "$port" -ne 8080 ] && [ "$port" -ne 9000 ] && [ "$port" -ne 9100 ]; } || die "free gave $port"
  "$PORTLENS" port "$port" --format json |
    python3 -c 'import json,sys; sys.exit(1 if json.load(sys.stdin)[0]["names"] else 0)' ||
    die "free gave registered port $port"
  in_ns "$PORTLENS" check "$port" >/dev/null || die "free port $port is not free"
done <"$W/free.txt"
in_ns "$PORTLENS" free --range 5-1 2>/dev/null
[ $? -eq 2 ] || die "free --range 5-1 must exit 2"

say "ephemeral"
in_ns "$PORTLENS" ephemeral --format json >"$W/eph.json" || die "ephemeral"
python3 - "$W/eph.json" <<'PY' || die "ephemeral figures: $(cat "$W/eph.json")"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["range"] == {"first": 40000, "last": 40009}, e["range"]
d = {(x["ip"], x["port"]): x for x in e["destinations"]}
assert d[("127.0.0.1", 8080)]["in_use"] == 8, d
assert d[("127.0.0.1", 9000)]["time_wait"] == 2, d
assert d[("::1", 8443)]["in_use"] == 3, d
assert any("127.0.0.1:8080" in w for w in e["warnings"]), e["warnings"]
PY
in_ns "$PORTLENS" ephemeral >"$W/eph.txt" || die "ephemeral (text)"
grep -q "^warning: 127.0.0.1:8080 uses 8 of 10" "$W/eph.txt" || die "ephemeral text"
say "PASS"
