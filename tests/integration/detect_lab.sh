#!/usr/bin/env bash
# Service and version detection against REAL daemons (Debian packages) and hostile fakes,
# all inside the lab's target namespace (tests/lab/daemons.sh), checked port by port against
# a truth whose versions come from dpkg at run time (tests/lab/service_check.py).
#   detect_lab.sh [PATH_TO_PORTLENS]
# nmap -sV proves the lab and the truth right; then `portlens scan -sV` must name the same
# ports as the truth (our probe file), and with nmap's probe file the same products as nmap.
# Over IPv6 too: a few of the daemons also serve 2001:2:0:1::20, named by Portlens alone.
# Environment: DETECT_TIMING=FILE appends "nmap_real_seconds<TAB>N" (used by reports).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
DAEMONS_SH="$INTEGRATION_DIR/../lab/daemons.sh"
SERVICE_CHECK="$INTEGRATION_DIR/../lab/service_check.py"
HOST=198.19.0.20
HOST6=2001:2:0:1::20  # daemons.sh's IPv6 host: sshd, nginx (plain, TLS), imap, postgresql, redis
PORTLENS=${1:-}

require_lab_tools nmap openssl setpriv nsenter ss
for binary in /usr/sbin/sshd /usr/sbin/nginx /usr/sbin/vsftpd /usr/sbin/exim4 /usr/sbin/dovecot \
  /usr/sbin/mariadbd /usr/bin/redis-server /usr/bin/memcached /usr/sbin/mosquitto; do
  [ -x "$binary" ] || skip "$binary is not installed (scripts/install-deps.sh)"
done
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || skip "no PostgreSQL server installed"

lab_up dt
DAEMON_DIR="$WORK_DIR/daemons"
mkdir "$DAEMON_DIR"
chmod 711 "$WORK_DIR"  # postgres, mysql, redis... reach their folders below it
# Stopped before the lab goes down (lab_cleanup would also end them: they live in its
# namespace), so a failure leaves no daemon behind.
stop_daemons() {
  local status=$?
  "$DAEMONS_SH" stop "$LAB_NAME" "$DAEMON_DIR" || true
  set +e            # a failing status must not end this trap before the lab is down
  (exit "$status")  # lab_cleanup reads the test's status from $?
  lab_cleanup
}
trap stop_daemons EXIT
"$DAEMONS_SH" start "$LAB_NAME" "$DAEMON_DIR" || die "the daemons did not start"
"$DAEMONS_SH" truth "$DAEMON_DIR" >"$WORK_DIR/services.tsv"
say "truth (versions from dpkg):"
sed 's/\t/  /g' "$WORK_DIR/services.tsv" >&2

# The daemons must not be reachable from the machine's own namespace: nothing of ours
# listens there (the target namespace is the only place the lab address exists).
if ss -Htln | awk '{ print $4 }' | grep -q "^$HOST:"; then die "$HOST listens outside the lab"; fi
if ss -Htln | awk '{ print $4 }' | grep -qF "[$HOST6]:"; then die "$HOST6 listens outside the lab"; fi

real_ports=$(awk -F'\t' '!/^#/ && $1 == "'$HOST'" && $5 != "-" { print $2 }' "$WORK_DIR/services.tsv" |
  paste -sd,)
fake_ports=$(awk -F'\t' '!/^#/ && $1 == "'$HOST'" && $5 == "-" { print $2 }' "$WORK_DIR/services.tsv" |
  paste -sd,)
v6_ports=$(awk -F'\t' '!/^#/ && $1 == "'$HOST6'" { print $2 }' "$WORK_DIR/services.tsv" | paste -sd,)
[ -n "$v6_ports" ] || die "the truth has no service on $HOST6"

# The hostile fakes take nmap minutes (the trickling peer answers every probe a byte at a
# time): scanned in parallel with the real daemons, whose time is what gets compared.
in_lab 600 nmap -sV -n -Pn --version-intensity 7 -p "$fake_ports" -oX "$WORK_DIR/nmap-fakes.xml" \
  "$HOST" >/dev/null 2>"$WORK_DIR/nmap-fakes.err" &
fakes_pid=$!
started=$(date +%s.%N)
in_lab 300 nmap -sV -n -Pn --version-intensity 7 -p "$real_ports" -oX "$WORK_DIR/nmap-reals.xml" \
  "$HOST" >/dev/null 2>"$WORK_DIR/nmap-reals.err" || die "nmap -sV failed on the real daemons"
nmap_seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
say "nmap -sV on $(tr ',' '\n' <<<"$real_ports" | wc -l) real services: ${nmap_seconds} s"
[ -z "${DETECT_TIMING:-}" ] || printf 'nmap_real_seconds\t%s\n' "$nmap_seconds" >>"$DETECT_TIMING"
wait "$fakes_pid" || die "nmap -sV failed on the hostile fakes"

# nmap's known gaps here (each checked another way below, so the truth still stands):
#   993, 995  Debian's dovecot accepts TLS 1.2+ only and closes on nmap's old-style hellos
#             without an alert, so nmap never finds the tunnel ("imaps?", "pop3s?")
#   1883      nmap's mqtt-subscribe version script renames the service "mosquitto version X"
#   9005      nmap has no generic match for an HTTP server it does not know
NMAP_GAPS=993,995,1883,9005
status=0
for part in real fake; do
  ports=${part}_ports
  say "nmap -sV vs the truth ($part):"
  python3 "$SERVICE_CHECK" --truth "$WORK_DIR/services.tsv" --xml "$WORK_DIR/nmap-${part}s.xml" \
    --host "$HOST" --ports "${!ports}" --allow "$NMAP_GAPS" || status=1
done
[ "$status" = 0 ] || die "nmap -sV disagrees with the truth (see the tables above)"

# The gaps, checked directly: TLS on 993, 995 and 9005 (that one expired), MQTT on 1883.
for port in 993 995 9005; do
  enddate=$(in_lab 10 openssl s_client -connect "$HOST:$port" </dev/null 2>/dev/null |
    openssl x509 -noout -enddate 2>/dev/null) || die "no TLS certificate on $HOST:$port"
  say "TLS on $port: $enddate"
  if [ "$port" = 9005 ] && [[ $enddate != *2021* ]]; then die "9005 is not the expired certificate"; fi
done
connack=$(in_lab 10 python3 -c '
import socket
s = socket.create_connection(("'"$HOST"'", 1883), timeout=5)
s.sendall(b"\x10\x10\x00\x04MQTT\x04\x02\x00\x1e\x00\x04test")
print(s.recv(4).hex())') || die "no MQTT answer on 1883"
[ "$connack" = 20020000 ] || die "1883 did not accept an MQTT CONNECT: $connack"

# ---- Portlens -sV: the same ports, named as the truth says ------------------------------
# IPv6 first: the same daemons on $HOST6 (no nmap run here: the IPv4 run proved the truth, and
# nmap -6 -sV would add about 15 s to the test).
[ -n "$PORTLENS" ] || die "usage: detect_lab.sh PATH_TO_PORTLENS"
started=$(date +%s.%N)
in_lab 300 "$PORTLENS" scan --connect -sV -q -p "$real_ports" --format ndjson \
  -o "$WORK_DIR/portlens-reals.ndjson" "$HOST" || die "portlens scan -sV failed on the real daemons"
portlens_seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
say "portlens -sV on the same real services: ${portlens_seconds} s (nmap ${nmap_seconds} s)"
[ -z "${DETECT_TIMING:-}" ] || printf 'portlens_real_seconds\t%s\n' "$portlens_seconds" >>"$DETECT_TIMING"
in_lab 120 "$PORTLENS" scan --connect -sV -q -p "$v6_ports" --format ndjson \
  -o "$WORK_DIR/portlens-v6.ndjson" "$HOST6" || die "portlens scan -sV failed on $HOST6"
say "portlens -sV vs the truth (IPv6, $HOST6):"
python3 "$SERVICE_CHECK" --truth "$WORK_DIR/services.tsv" --ndjson "$WORK_DIR/portlens-v6.ndjson" \
  --host "$HOST6" --ports "$v6_ports" || die "portlens -sV disagrees with the truth on $HOST6"
in_lab 300 "$PORTLENS" scan --connect -sV -q -p "$fake_ports" --format ndjson \
  -o "$WORK_DIR/portlens-fakes.ndjson" "$HOST" || die "portlens scan -sV failed on the hostile fakes"
status=0
for part in real fake; do
  ports=${part}_ports
  say "portlens -sV vs the truth ($part):"
  python3 "$SERVICE_CHECK" --truth "$WORK_DIR/services.tsv" \
    --ndjson "$WORK_DIR/portlens-${part}s.ndjson" --host "$HOST" --ports "${!ports}" ||
    status=1
done
[ "$status" = 0 ] || die "portlens -sV disagrees with the truth (see the tables above)"
# Hostile bytes never reach the records raw: no control byte survives in any field.
python3 - "$WORK_DIR/portlens-fakes.ndjson" <<'PY' || die "a hostile banner reached a record raw"
import json, sys
for line in open(sys.argv[1]):
    record = json.loads(line)
    for key, value in record.items():
        if isinstance(value, str):
            assert not any(ord(c) < 0x20 or ord(c) == 0x7f for c in value), (key, value[:60])
        if key == "banner":
            assert len(value) <= 4 * 1024, "banner longer than 1 KiB of escaped bytes"
print("hostile fakes: no control byte in any field, banners bounded")
PY

# With nmap's own probe file (read because this test names it), the products Portlens reports
# equal nmap's in the same run, port by port, wherever nmap named a product.
NMAP_PROBES=/usr/share/nmap/nmap-service-probes
if [ -r "$NMAP_PROBES" ]; then
  in_lab 300 "$PORTLENS" scan --connect -sV -q --service-probes "$NMAP_PROBES" -p "$real_ports" \
    --format ndjson -o "$WORK_DIR/portlens-nmapfile.ndjson" "$HOST" ||
    die "portlens scan -sV --service-probes $NMAP_PROBES failed"
  python3 - "$WORK_DIR/nmap-reals.xml" "$WORK_DIR/portlens-nmapfile.ndjson" <<'PY' ||
import json, sys, xml.etree.ElementTree as ET
nmap = {}
for port in ET.parse(sys.argv[1]).getroot().iter("port"):
    service = port.find("service")
    if service is not None and service.get("product"):
        nmap[int(port.get("portid"))] = service.get("product")
ours = {r["port"]: r.get("product") for r in map(json.loads, open(sys.argv[2]))
        if r.get("type") == "port"}
bad = 0
for port in sorted(nmap):
    verdict = "ok" if ours.get(port) == nmap[port] else "DIFFERENT"
    bad += verdict != "ok"
    print(f"  {port:>5}  nmap {nmap[port]!r:<28} portlens {ours.get(port)!r:<28} {verdict}")
assert nmap, "nmap named no product"
sys.exit(1 if bad else 0)
PY
    die "with nmap's probe file, Portlens's products differ from nmap's"
  say "with nmap's probe file, every product nmap named is the one Portlens names"
fi

say "PASS: real daemons and fakes match the truth (-sV on the real ones: nmap ${nmap_seconds} s, portlens ${portlens_seconds} s)"
