# shellcheck shell=bash
# Messages and exit codes shared by every integration test library (sourced).
# Exit codes: 0 pass, 1 fail, 77 skipped (CTest SKIP_RETURN_CODE).

say() { echo "[$(date +%T)] $*" >&2; }
skip() {
  echo "SKIP: $*" >&2
  exit 77
}
die() {
  echo "FAIL: $*" >&2
  exit 1
}
