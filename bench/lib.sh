# shellcheck shell=bash
# Shared by the bench parts (sourced). Checks what a part needs, builds a lab
# (tests/lab/lab.sh) for it, tears it down on exit, and times commands inside its scanner
# namespace. Nothing here sends a packet outside the lab.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
LAB_SH="$REPO_DIR/tests/lab/lab.sh"
TRUTH_CHECK="$REPO_DIR/tests/lab/truth_check.py"
RUNS=${BENCH_RUNS:-5}

BENCH_PART=${BENCH_PART:-bench}  # the prefix of messages
SERVE_PID=""  # a server the part started in the lab, stopped first on exit

die() {
  echo "$BENCH_PART: $*" >&2
  exit 1
}

# bench_check USAGE ARGS...: the part's one argument is the portlens binary (sets PORTLENS);
# root, the named tools and BENCH_RUNS are checked.
#   bench_check USAGE "$@" -- TOOL...
bench_check() {
  local usage=$1 tool candidate
  shift
  { [ $# -ge 2 ] && [ "$2" = -- ]; } || die "usage: $usage"
  PORTLENS=$(realpath "$1" 2>/dev/null || true)
  shift 2
  if [ -z "$PORTLENS" ] || [ ! -x "$PORTLENS" ]; then die "no portlens binary"; fi
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
  for tool in python3 "$@"; do
    command -v "$tool" >/dev/null || die "'$tool' missing: run scripts/install-deps.sh"
  done
  [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
  # The lab_target built next to this portlens, when there is one (else lab.sh compiles it).
  if [ -z "${LAB_TARGET:-}" ]; then
    candidate="$(dirname "$PORTLENS")/../../tests/lab/lab_target"
    if [ -x "$candidate" ]; then
      LAB_TARGET=$(realpath "$candidate")
      export LAB_TARGET
    fi
  fi
}

# bench_lab NAME_PREFIX: builds the lab (SCAN_NS, LAB_NAME, WORK_DIR with truth.tsv) and
# arranges the teardown.
bench_lab() {
  LAB_NAME="$1-$(($$ % 100000))"
  WORK_DIR=$(mktemp -d /tmp/portlens-bench.XXXXXX)
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  SCAN_NS=$("$LAB_SH" up "$LAB_NAME") || die "could not build the lab"
  "$LAB_SH" truth >"$WORK_DIR/truth.tsv"
}

# bench_setup USAGE ARGS: bench_check with the scan peers' needs, then bench_lab.
#   bench_setup USAGE "$@" -- TOOL...
bench_setup() {
  bench_check "$@" ip nft
  [ -x /usr/bin/time ] || die "/usr/bin/time missing (Debian package 'time')"
  bench_lab bn
}

bench_cleanup() {
  local status=$?
  trap - EXIT
  if [ -n "$SERVE_PID" ]; then
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  # Also ends whatever else still runs in the lab (stream clients), by process id.
  "$LAB_SH" down "$LAB_NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK_DIR"
  exit "$status"
}

set_loss() {
  case $1 in
    clean) "$LAB_SH" loss "$LAB_NAME" 0 ;;
    loss2) "$LAB_SH" loss "$LAB_NAME" 2 ;;
    *) die "unknown scenario $1 (clean, loss2)" ;;
  esac
}

# timed LIMIT CMD...: runs CMD in the scanner namespace (stdout to /dev/null, stderr to
# $WORK_DIR/stderr), killed after LIMIT seconds; sets WALL (s) and RSS (KiB).
timed() {
  local limit=$1 status=0
  shift
  ip netns exec "$SCAN_NS" /usr/bin/time -f '%e %M' -o "$WORK_DIR/time" timeout -k 5 "$limit" \
    "$@" >/dev/null 2>"$WORK_DIR/stderr" || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 5 "$WORK_DIR/stderr" >&2
    die "$1 exited $status (124: took longer than ${limit}s)"
  fi
  # shellcheck disable=SC2034  # WALL and RSS are this function's results, read by its callers
  read -r WALL RSS < <(tail -n 1 "$WORK_DIR/time")
}

# truth_accuracy ARGS...: the accuracy (percent) truth_check.py computes, or "-" when it
# computed none. truth_check exits 1 whenever a port is wrong, so its status is not asked:
# a peer that misses a port still gets its accuracy (e.g. 99.9985), on one line.
truth_accuracy() {
  local accuracy
  accuracy=$({ python3 "$TRUTH_CHECK" --truth "$WORK_DIR/truth.tsv" "$@" --json --quiet || true; } |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["accuracy"])' 2>/dev/null) || true
  echo "${accuracy:--}"
}
