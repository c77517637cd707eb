# shellcheck shell=bash
# Shared by the integration tests (sourced, not run). Each test builds its own lab
# (tests/lab/lab.sh) under a unique name, runs the scanner INSIDE the lab's scanner namespace
# and tears the lab down on every exit path.
#
# Exit codes: 0 pass, 1 fail, 77 skipped (CTest SKIP_RETURN_CODE).
# Environment: LAB_TARGET (lab_target binary, set by CTest), KEEP_OUTPUT=1 keeps the work dir.

INTEGRATION_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_SH="$INTEGRATION_DIR/../lab/lab.sh"
TRUTH_CHECK="$INTEGRATION_DIR/../lab/truth_check.py"
LAB_NAME=""
WORK_DIR=""

# shellcheck source=tests/integration/common.sh
source "$INTEGRATION_DIR/common.sh"

# Skips unless this machine can build a lab and run the given tools.
require_lab_tools() {
  [ "$(id -u)" -eq 0 ] || skip "the lab needs root (network namespaces, nftables)"
  local tool
  for tool in ip nft python3 timeout "$@"; do
    command -v "$tool" >/dev/null || skip "'$tool' is not installed (scripts/install-deps.sh)"
  done
  [ -e /proc/self/ns/net ] || skip "no network namespace support"
}

# PORTLENS=path of the scanner under test (first argument of every test script).
require_portlens() {
  PORTLENS=${1:-}
  [ -n "$PORTLENS" ] || die "usage: $0 PATH_TO_PORTLENS"
  [ -x "$PORTLENS" ] || skip "portlens binary $PORTLENS is not built"
}

# lab_up TAG [--loss PCT]: builds lab "TAG-<pid>" and arranges its teardown on exit.
lab_up() {
  local tag=$1
  shift
  LAB_NAME="$tag-$(($$ % 100000))"
  WORK_DIR=$(mktemp -d "/tmp/portlens-it-$tag.XXXXXX")
  trap lab_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  SCAN_NS=$("$LAB_SH" up "$LAB_NAME" "$@") || die "could not build lab $LAB_NAME"
  "$LAB_SH" truth >"$WORK_DIR/truth.tsv"
}

lab_cleanup() {
  local status=$?
  trap - EXIT
  if [ -n "$LAB_NAME" ] && ! "$LAB_SH" down "$LAB_NAME"; then
    status=1
  fi
  if [ -n "$WORK_DIR" ]; then
    if [ "${KEEP_OUTPUT:-0}" = 1 ] || { [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; }; then
      say "outputs kept in $WORK_DIR"
    else
      rm -rf "$WORK_DIR"
    fi
  fi
  exit "$status"
}

# in_lab SECONDS CMD...: runs CMD in the scanner namespace, killed (INT, then KILL 5 s later)
# when it outlives SECONDS, so no test can hang. Returns CMD's status (124 on timeout).
in_lab() {
  local limit=$1
  shift
  timeout -s INT -k 5 "$limit" ip netns exec "$SCAN_NS" "$@"
}

# check_truth ARGS...: truth_check.py against this lab's truth.
check_truth() { python3 "$TRUTH_CHECK" --truth "$WORK_DIR/truth.tsv" "$@"; }
