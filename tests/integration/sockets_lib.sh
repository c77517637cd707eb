# shellcheck shell=bash
# Shared by the `portlens sockets` integration tests (sourced). Each test makes its own
# network namespace (only lo, up; no other link, no route out), runs sockets_helper.py inside
# it and tears everything down on every exit path. Exit codes: 0 pass, 1 fail, 77 skipped.

SOCKETS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NS=""
WORK_DIR=""
HELPER_PID=""

# shellcheck source=tests/integration/common.sh
source "$SOCKETS_DIR/common.sh"

require_tools() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
  local tool
  for tool in ip ss python3 timeout "$@"; do
    command -v "$tool" >/dev/null || skip "'$tool' is not installed (scripts/install-deps.sh)"
  done
  PORTLENS=${PORTLENS_BIN:-}
  { [ -n "$PORTLENS" ] && [ -x "$PORTLENS" ]; } || die "PORTLENS_BIN must name the portlens binary"
}

ns_cleanup() {
  local status=$?
  trap - EXIT
  [ -n "$HELPER_PID" ] && kill "$HELPER_PID" 2>/dev/null
  [ -n "${TMUX_SESSION:-}" ] && tmux kill-session -t "$TMUX_SESSION" 2>/dev/null
  if [ -n "$NS" ]; then
    # Whatever still runs in the namespace (helper children) goes with it.
    ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$NS" 2>/dev/null
  fi
  if [ -n "$WORK_DIR" ] && [ "${KEEP_OUTPUT:-0}" != 1 ]; then rm -rf "$WORK_DIR"; fi
  exit "$status"
}

# ns_up TAG: a fresh namespace "pl-TAG-<pid>" with only lo up.
ns_up() {
  NS="pl-$1-$$"
  WORK_DIR=$(mktemp -d "/tmp/portlens-$1.XXXXXX")
  trap ns_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  ip netns add "$NS" || die "ip netns add $NS"
  ip netns exec "$NS" ip link set lo up || die "lo up in $NS"
}

# in_ns CMD...: runs CMD inside the test namespace.
in_ns() { ip netns exec "$NS" "$@"; }

# helper_up ARGS...: starts sockets_helper.py in the namespace and waits until it is ready;
# sets HELPER_PID and HELPER_JSON.
helper_up() {
  HELPER_JSON="$WORK_DIR/helper.json"
  in_ns python3 "$SOCKETS_DIR/sockets_helper.py" --ready "$HELPER_JSON" "$@" &
  HELPER_PID=$!
  for _ in $(seq 100); do
    [ -f "$HELPER_JSON" ] && return 0
    kill -0 "$HELPER_PID" 2>/dev/null || die "sockets_helper.py exited early"
    sleep 0.1
  done
  die "sockets_helper.py not ready after 10 s"
}
