#!/usr/bin/env bash
# The lab itself, checked with nmap (needs no portlens): it builds, it is sealed (no default
# route), every open and filtered port of the truth plus a sample of closed ports answer as
# documented on both families, and `down` leaves no namespace behind.
#   lab_selfcheck.sh
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_lab_tools nmap
lab_up sc

for family in -4 -6; do
  [ -z "$(ip -n "$SCAN_NS" "$family" route show default)" ] || die "default route in $SCAN_NS"
done
for target in 8.8.8.8 192.168.1.1 10.0.0.1; do
  if ip netns exec "$SCAN_NS" ip route get "$target" >/dev/null 2>&1; then
    die "$SCAN_NS has a route to $target"
  fi
done

check_host() {
  local host=$1 ports
  ports=$(awk -F'\t' -v h="$host" '$1 == h { printf "%s,", $2 }' "$WORK_DIR/truth.tsv")
  ports="${ports}2,24,79,81,1000-1010,30000,65532"
  local v6=""
  [[ $host == *:* ]] && v6=-6
  in_lab 60 nmap -sT -T4 -n -Pn --max-retries 3 $v6 -p "$ports" -oX "$WORK_DIR/$host.xml" \
    "$host" >/dev/null || die "nmap failed on $host"
  check_truth --xml "$WORK_DIR/$host.xml" --host "$host" --ports "$ports" --unlisted closed ||
    die "$host does not answer as truth.tsv says"
}
check_host 198.19.0.7
check_host 2001:2:0:1::7
check_host 198.19.0.8

# Banners, from inside the scanner namespace.
banner=$(in_lab 10 python3 - <<'PY'
import socket
out = []
for host, port, request in (("198.19.0.7", 22, b""), ("198.19.0.7", 21, b""),
                            ("2001:2:0:1::7", 80, b"GET / HTTP/1.0\r\n\r\n")):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.create_connection((host, port), timeout=3) as s:
        s.sendall(request)
        out.append(s.recv(200).split(b"\r\n")[0].decode())
print("|".join(out))
PY
)
[ "$banner" = "SSH-2.0-OpenSSH_9.2p1 Debian-2|220 (vsFTPd 3.0.3)|HTTP/1.1 200 OK" ] ||
  die "unexpected banners: $banner"

"$LAB_SH" down "$LAB_NAME"
if ip netns list | grep -q "^plab-$LAB_NAME-"; then die "namespaces left after down"; fi
say "PASS: lab sealed, truth confirmed by nmap, banners right, teardown clean"
