#!/usr/bin/env bash
# The Portlens lab: two network namespaces joined by one veth pair, nothing else.
# Read /work/shared/docs/network-safety.md (or docs/) before changing anything here.
#
#   lab.sh up NAME [--loss PCT]   build lab NAME; prints the scanner namespace on stdout
#   lab.sh down NAME              tear it down (idempotent; also after a partial `up`)
#   lab.sh truth [NAME]           ground truth, TSV "ip<TAB>port<TAB>state", open and filtered
#                                 ports only: every other port of those hosts is closed
#   lab.sh names                  host names, TSV "ip<TAB>name" (reverse lookups find these)
#   lab.sh loss NAME PCT          change the SYN loss of a running lab (0 = none)
#   lab.sh block NAME IP PORT[-PORT] [drop|reject]   make more ports filtered (diff tests)
#   lab.sh exec NAME CMD...       run CMD in the scanner namespace
#   lab.sh exec-target NAME CMD...  run CMD in the target namespace
#   lab.sh ns NAME                print "SCANNER_NS TARGET_NS"
#   lab.sh list                   labs that exist now
#
# Layout (identical in every lab; namespaces keep labs apart, so tests can run in parallel):
#   plab-NAME-s (scanner)  veth0 198.18.0.1/30  2001:2::1/126
#   plab-NAME-t (target)   veth1 198.18.0.2/30  2001:2::2/126
#   target: AnyIP `local 198.19.0.0/16 dev lo` and `local 2001:2:0:1::/64 dev lo`, so every
#           address of both blocks is a host; lab_target listens on the open ports of
#           truth.tsv, `table inet lab` drops or rejects (ICMP admin-prohibited) its filtered
#           ports, and optionally drops PCT% of all SYNs (chain `loss`).
#   scanner: routes to exactly those two blocks via the target; NO default route (checked).
#           /etc/netns/plab-NAME-s/{hosts,resolv.conf}: `ip netns exec` mounts them over
#           /etc, so lookups there see names.tsv and a resolver that is the namespace's own
#           loopback (nothing listens: every DNS query fails at once, none can leave).
# NAME: 1-12 characters [a-z0-9-], unique per test run (e.g. "i4-$$").
#
# Environment: LAB_TARGET  path of the lab_target binary (else build/$PRESET/tests/lab/
#              lab_target when current, else compiled once into the state directory)
#              LAB_STATE   state directory root (default /run/portlens-lab)
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
TRUTH_FILE="$LAB_DIR/truth.tsv"
NAMES_FILE="$LAB_DIR/names.tsv"
STATE_ROOT=${LAB_STATE:-/run/portlens-lab}

SCAN_V4=198.18.0.1/30
TARGET_V4=198.18.0.2
SCAN_V6=2001:2::1/126
TARGET_V6=2001:2::2
BLOCK_V4=198.19.0.0/16
BLOCK_V6=2001:2:0:1::/64

log() { echo "lab: $*" >&2; }
fail() {
  log "ERROR: $*"
  exit 1
}

check_name() {
  [[ ${1:-} =~ ^[a-z0-9][a-z0-9-]{0,11}$ ]] ||
    fail "lab name '${1:-}' must be 1-12 characters of [a-z0-9-]"
}

set_names() {
  NAME=$1
  SCAN_NS="plab-$NAME-s"
  TARGET_NS="plab-$NAME-t"
  STATE_DIR="$STATE_ROOT/$NAME"
}

ns_exists() { [ -e "/run/netns/$1" ]; }

# Sets a sysctl inside a lab namespace only. A key that this kernel does not keep per
# namespace is not visible there: skip it (never fall back to the host's value).
ns_sysctl() {
  local ns=$1 key=$2 value=$3
  local file="/proc/sys/${key//.//}"
  if ip netns exec "$ns" test -e "$file"; then
    ip netns exec "$ns" sh -c "echo '$value' > '$file'" ||
      log "warning: could not set $key in $ns"
  else
    log "note: $key is not per-namespace on this kernel; left alone"
  fi
}

# Prints the host names (ip, name), comments stripped.
name_rows() { awk -F'\t' '!/^#/ && NF >= 2 { print $1 "\t" $2 }' "$NAMES_FILE"; }

# The resolver configuration processes in the scanner namespace see (ip-netns(8): files in
# /etc/netns/NS/ are bind-mounted over /etc/ by `ip netns exec`).
write_resolver_files() {
  local dir="/etc/netns/$SCAN_NS"
  mkdir -p "$dir"
  {
    echo "127.0.0.1 localhost"
    echo "::1 localhost"
    name_rows | tr '\t' ' '
  } >"$dir/hosts"
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$dir/resolv.conf"
}

# Prints the open/filtered rows of the truth (ip, port, state), comments stripped.
truth_rows() { awk -F'\t' '!/^#/ && NF >= 4 { print $1 "\t" $2 "\t" $3 }' "$TRUTH_FILE"; }

# The nftables ruleset of the target namespace, generated from truth.tsv.
nft_ruleset() {
  local loss=$1
  awk -F'\t' -v loss="$loss" '
    !/^#/ && NF >= 4 && $3 == "filtered" {
      key = $1 SUBSEP $4
      if (key in ports) ports[key] = ports[key] ", " $2
      else { order[++n] = key; ports[key] = $2 }
    }
    END {
      print "table inet lab {"
      print "  chain loss {"
      if (loss > 0) print "    tcp flags & (syn | ack) == syn numgen random mod 100 < " loss " counter drop"
      print "  }"
      print "  chain input {"
      print "    type filter hook input priority filter; policy accept;"
      print "    jump loss"
      for (i = 1; i <= n; i++) {
        split(order[i], parts, SUBSEP)
        family = index(parts[1], ":") ? "ip6" : "ip"
        verdict = parts[2] == "drop" ? "drop" : "reject with icmpx type admin-prohibited"
        printf "    %s daddr %s tcp dport { %s } %s\n", family, parts[1], ports[order[i]], verdict
      }
      print "  }"
      print "}"
    }' "$TRUTH_FILE"
}

find_lab_target() {
  local source="$LAB_DIR/lab_target.cpp" candidate
  if [ -n "${LAB_TARGET:-}" ]; then
    [ -x "$LAB_TARGET" ] || fail "LAB_TARGET=$LAB_TARGET is not executable"
    echo "$LAB_TARGET"
    return
  fi
  candidate="$REPO_DIR/build/${PRESET:-release}/tests/lab/lab_target"
  if [ -x "$candidate" ] && [ "$candidate" -nt "$source" ]; then
    echo "$candidate"
    return
  fi
  candidate="$STATE_ROOT/bin/lab_target"
  if [ ! -x "$candidate" ] || [ "$source" -nt "$candidate" ]; then
    command -v c++ >/dev/null || fail "no lab_target binary and no c++ compiler (set LAB_TARGET)"
    mkdir -p "$STATE_ROOT/bin"
    local temporary="$candidate.$$"
    c++ -std=c++20 -O2 -o "$temporary" "$source" || fail "cannot compile $source"
    mv -f "$temporary" "$candidate"  # atomic: parallel labs may compile at once
  fi
  echo "$candidate"
}

cmd_up() {
  local loss=0
  check_name "${1:-}"
  set_names "$1"
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --loss)
        loss=${2:-}
        shift 2 || fail "--loss needs a percentage"
        ;;
      *) fail "unknown option $1" ;;
    esac
  done
  if ! [[ $loss =~ ^[0-9]+$ ]] || [ "$loss" -gt 100 ]; then fail "--loss wants 0-100, got '$loss'"; fi
  [ "$(id -u)" -eq 0 ] || fail "needs root"
  command -v ip >/dev/null || fail "needs ip (iproute2)"
  command -v nft >/dev/null || fail "needs nft (nftables)"
  if ns_exists "$SCAN_NS" || ns_exists "$TARGET_NS"; then
    fail "lab $NAME exists already: run 'lab.sh down $NAME' first"
  fi
  local target_bin
  target_bin=$(find_lab_target)

  # From here on, any failure (set -e) or signal tears down whatever was built.
  UP_DONE=0
  trap 'if [ "$UP_DONE" = 0 ]; then log "up failed; tearing down"; cmd_down "$NAME" >&2 || true; fi' EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$STATE_DIR"
  echo "$loss" >"$STATE_DIR/loss"

  ip netns add "$SCAN_NS"
  ip netns add "$TARGET_NS"
  write_resolver_files
  local ns
  for ns in "$SCAN_NS" "$TARGET_NS"; do
    # No router advertisements, no autoconfiguration: nothing may add routes behind our back.
    ns_sysctl "$ns" net.ipv6.conf.all.accept_ra 0
    ns_sysctl "$ns" net.ipv6.conf.default.accept_ra 0
    ns_sysctl "$ns" net.ipv6.conf.default.autoconf 0
    # No duplicate address detection on the link-local addresses either: while it runs
    # (1-3 s after link up) neighbour discovery fails and IPv6 in a fresh lab is silent.
    ns_sysctl "$ns" net.ipv6.conf.all.accept_dad 0
    ns_sysctl "$ns" net.ipv6.conf.default.accept_dad 0
    ip -n "$ns" link set lo up
  done
  # The pair is created inside the scanner namespace, its peer moved straight to the target
  # namespace: neither end ever exists in the machine's own namespace.
  ip -n "$SCAN_NS" link add veth0 type veth peer name veth1 netns "$TARGET_NS"

  ip -n "$SCAN_NS" addr add "$SCAN_V4" dev veth0
  ip -n "$SCAN_NS" -6 addr add "$SCAN_V6" dev veth0 nodad
  ip -n "$SCAN_NS" link set veth0 up
  ip -n "$TARGET_NS" addr add "$TARGET_V4/30" dev veth1
  ip -n "$TARGET_NS" -6 addr add "$TARGET_V6/126" dev veth1 nodad
  ip -n "$TARGET_NS" link set veth1 up

  ip -n "$TARGET_NS" route add local "$BLOCK_V4" dev lo
  ip -n "$TARGET_NS" -6 route add local "$BLOCK_V6" dev lo
  ip -n "$SCAN_NS" route add "$BLOCK_V4" via "$TARGET_V4" dev veth0
  ip -n "$SCAN_NS" -6 route add "$BLOCK_V6" via "$TARGET_V6" dev veth0

  # Answers must not be rate-limited, or filtered/closed ports blur under a fast scan.
  ns_sysctl "$TARGET_NS" net.ipv4.icmp_ratelimit 0
  ns_sysctl "$TARGET_NS" net.ipv4.icmp_msgs_per_sec 10000000
  ns_sysctl "$TARGET_NS" net.ipv4.icmp_msgs_burst 10000000
  ns_sysctl "$TARGET_NS" net.ipv6.icmp.ratelimit 0
  ns_sysctl "$TARGET_NS" net.core.somaxconn 65535
  ns_sysctl "$TARGET_NS" net.ipv4.tcp_max_syn_backlog 65535
  ns_sysctl "$SCAN_NS" net.ipv4.ip_local_port_range "1024 65535"

  nft_ruleset "$loss" | ip netns exec "$TARGET_NS" nft -f -

  ip netns exec "$TARGET_NS" "$target_bin" --truth "$TRUTH_FILE" \
    --pidfile "$STATE_DIR/target.pid" </dev/null >"$STATE_DIR/target.log" 2>&1 &
  local launcher=$! waited=0
  until [ -s "$STATE_DIR/target.pid" ]; do
    if ! kill -0 "$launcher" 2>/dev/null; then
      cat "$STATE_DIR/target.log" >&2
      false  # lab_target died: ERR trap tears down
    fi
    waited=$((waited + 1))
    [ "$waited" -lt 100 ] || { log "lab_target not ready after 10 s"; false; }
    sleep 0.1
  done

  verify
  UP_DONE=1
  log "lab $NAME up: scanner namespace $SCAN_NS, target namespace $TARGET_NS, SYN loss $loss%"
  echo "$SCAN_NS"
}

# Fails loudly unless the lab is sealed: no default route anywhere, only lo and veth0 in the
# scanner namespace, only the two blocks routed.
verify() {
  local ns family routes
  for ns in "$SCAN_NS" "$TARGET_NS"; do
    for family in -4 -6; do
      routes=$(ip -n "$ns" "$family" route show default)
      if [ -n "$routes" ]; then
        log "FATAL: default route in $ns ($family): $routes"
        false
      fi
    done
  done
  local links
  links=$(ip -n "$SCAN_NS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort |
    tr '\n' ' ')
  if [ "$links" != "lo veth0 " ]; then
    log "FATAL: unexpected links in $SCAN_NS: $links"
    false
  fi
  routes=$(ip -n "$SCAN_NS" -4 route show | awk '$1 != "198.18.0.0/30" && $1 != "'$BLOCK_V4'"')
  if [ -n "$routes" ]; then
    log "FATAL: unexpected IPv4 routes in $SCAN_NS: $routes"
    false
  fi
  routes=$(ip -n "$SCAN_NS" -6 route show |
    awk '$1 != "2001:2::/126" && $1 != "'$BLOCK_V6'" && $1 !~ /^fe80:/ && $1 !~ /^multicast/')
  if [ -n "$routes" ]; then
    log "FATAL: unexpected IPv6 routes in $SCAN_NS: $routes"
    false
  fi
}

cmd_down() {
  check_name "${1:-}"
  set_names "$1"
  local pid ns
  if [ -s "$STATE_DIR/target.pid" ]; then
    pid=$(cat "$STATE_DIR/target.pid")
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q lab_target; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  fi
  # Anything still running inside the lab's namespaces was started for the lab (lab_target,
  # a scanner under test): end those processes, by id, so the namespaces can go.
  for ns in "$SCAN_NS" "$TARGET_NS"; do
    ns_exists "$ns" || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -TERM "$pid" 2>/dev/null || true
    done
  done
  local tries=0
  while [ $tries -lt 20 ]; do
    local left=""
    for ns in "$SCAN_NS" "$TARGET_NS"; do
      ns_exists "$ns" && left+=$(ip netns pids "$ns" 2>/dev/null)
    done
    [ -z "$left" ] && break
    tries=$((tries + 1))
    sleep 0.1
  done
  for ns in "$SCAN_NS" "$TARGET_NS"; do
    ns_exists "$ns" || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$STATE_DIR" "/etc/netns/$SCAN_NS"
  if ip netns list | grep -q "^plab-$NAME-[st]\b"; then
    fail "could not remove every namespace of lab $NAME"
  fi
  log "lab $NAME down"
}

require_lab() {
  check_name "${1:-}"
  set_names "$1"
  if ! ns_exists "$SCAN_NS" || ! ns_exists "$TARGET_NS"; then fail "lab $NAME is not up"; fi
}

cmd_loss() {
  require_lab "${1:-}"
  local loss=${2:-}
  if ! [[ $loss =~ ^[0-9]+$ ]] || [ "$loss" -gt 100 ]; then fail "loss wants 0-100, got '$loss'"; fi
  {
    echo "flush chain inet lab loss"
    if [ "$loss" -gt 0 ]; then
      echo "add rule inet lab loss tcp flags & (syn | ack) == syn numgen random mod 100 < $loss counter drop"
    fi
  } | ip netns exec "$TARGET_NS" nft -f -
  echo "$loss" >"$STATE_DIR/loss"
  log "lab $NAME: SYN loss $loss%"
}

cmd_block() {
  require_lab "${1:-}"
  local address=${2:-} port=${3:-} how=${4:-drop} family=ip verdict=(drop)
  [[ $port =~ ^[0-9]+(-[0-9]+)?$ ]] || fail "block NAME IP PORT[-PORT] [drop|reject]"
  [[ $address == *:* ]] && family=ip6
  case $how in
    drop) ;;
    reject) verdict=(reject with icmpx type admin-prohibited) ;;
    *) fail "block: drop or reject, not '$how'" ;;
  esac
  ip netns exec "$TARGET_NS" nft add rule inet lab input "$family" daddr "$address" \
    tcp dport "$port" "${verdict[@]}"
  log "lab $NAME: $address port $port now filtered ($how)"
}

main() {
  local command=${1:-}
  shift || true
  case $command in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    truth) truth_rows ;;
    names) name_rows ;;
    loss) cmd_loss "$@" ;;
    block) cmd_block "$@" ;;
    exec)
      require_lab "${1:-}"
      shift
      exec ip netns exec "$SCAN_NS" "$@"
      ;;
    exec-target)
      require_lab "${1:-}"
      shift
      exec ip netns exec "$TARGET_NS" "$@"
      ;;
    ns)
      check_name "${1:-}"
      set_names "$1"
      echo "$SCAN_NS $TARGET_NS"
      ;;
    nft-ruleset) nft_ruleset "${1:-0}" ;;
    list) ip netns list | awk '$1 ~ /^plab-.*-s$/ { sub(/^plab-/, "", $1); sub(/-s$/, "", $1); print $1 }' ;;
    *)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
