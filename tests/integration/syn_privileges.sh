#!/usr/bin/env bash
# Privileges of the SYN scanner. (1) A copy of the binary with only CAP_NET_RAW (setcap), run
# as "nobody", scans a lab host exactly (this runs first, in a fresh lab, so the next hop's
# MAC must be resolved without CAP_NET_ADMIN). (2) Once running, the process (every thread)
# has no capabilities left; started as root, it runs as nobody with no_new_privs.
#   syn_privileges.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
require_lab_tools setcap setpriv
lab_up pv

chmod 755 "$WORK_DIR"
capped="$WORK_DIR/portlens-netraw"
cp "$PORTLENS" "$capped"
setcap cap_net_raw+ep "$capped" || skip "this filesystem does not keep file capabilities"
ports="1-1100,3306,8080,65535"
out="$WORK_DIR/capped.ndjson"
touch "$out" && chown nobody "$out"

say "scanning as nobody with only CAP_NET_RAW"
in_lab 60 setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
  "$capped" scan --syn -p "$ports" --format ndjson --states all --quiet -o "$out" 198.19.0.7 ||
  die "the CAP_NET_RAW-only scan failed"
check_truth --ndjson "$out" --host 198.19.0.7 --ports "$ports" --expect-summary ||
  die "the CAP_NET_RAW-only scan does not match the truth"

# check_dropped PID: every thread of PID has empty capability sets; prints its uid.
check_dropped() {
  local pid=$1 task status
  for task in /proc/"$pid"/task/*; do
    status=$(cat "$task/status")
    for set in CapPrm CapEff CapAmb; do
      grep -q "^$set:[[:space:]]*0000000000000000$" <<<"$status" ||
        die "thread ${task##*/}: $(grep "^$set:" <<<"$status")"
    done
    grep -q "^NoNewPrivs:[[:space:]]*1$" <<<"$status" || die "thread ${task##*/}: no_new_privs not set"
  done
  awk '/^Uid:/ { print $2 }' "/proc/$pid/status"
}

# watch_scan LABEL CMD...: starts a slow scan, checks it after 1 s, interrupts it.
watch_scan() {
  local label=$1 pid uid
  shift
  ip netns exec "$SCAN_NS" "$@" scan --syn -p 1-20000 --rate 2000 --quiet --format ndjson \
    -o /dev/null 198.19.0.7 &
  pid=$!
  sleep 1
  kill -0 "$pid" 2>/dev/null || die "$label: the scan ended too early"
  # A command substitution runs without errexit: check_dropped's die only ends the
  # substitution, so its status is checked here.
  uid=$(check_dropped "$pid") || {
    kill -INT "$pid"
    wait "$pid" || true
    die "$label: privileges kept after start-up"
  }
  kill -INT "$pid"
  wait "$pid" || true
  echo "$uid"
}

uid=$(watch_scan "root" "$PORTLENS")
[ "$uid" = "$(id -u nobody)" ] || die "started as root, the scan runs as uid $uid, not nobody"
say "root start: no capabilities, uid $uid, no_new_privs"
uid=$(watch_scan "capped" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$capped")
say "CAP_NET_RAW start: no capabilities left, uid $uid"
say "PASS: CAP_NET_RAW is enough, and nothing is kept after start-up"
