#!/usr/bin/env bash
# A postgresql:// store on a machine without libpq (src/store/postgres/libpq_api): the
# command must fail like a SQLite file it cannot open (exit 3) with a message naming the
# Debian package libpq5, never crash. libpq is hidden in a private mount namespace by mounting
# an empty file over it, so dlopen finds a file it cannot load; nothing is contacted (the
# store fails before connecting, and the URL names a closed loopback port anyway).
#
#   tests/startup/without_libpq.sh PORTLENS
#
# Exit 0 pass, 1 fail, 77 skipped (not root, or no libpq.so.5 on this machine to hide).
set -euo pipefail
portlens=${1:?usage: $0 PORTLENS}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: hiding libpq needs a mount namespace (root)" >&2; exit 77; }
library=$(ldconfig -p | awk '$1 == "libpq.so.5" && /x86-64/ && !found { found = $NF }
  END { print found }')
[ -n "$library" ] || { echo "SKIP: no libpq.so.5 to hide" >&2; exit 77; }
library=$(realpath "$library")

empty=$(mktemp /tmp/portlens-no-libpq.XXXXXX)
trap 'rm -f "$empty"' EXIT
url='postgresql://portlens@127.0.0.1:1/portlens?connect_timeout=2'
set +e
# shellcheck disable=SC2016 # $1, $2, $@ belong to the inner bash.
output=$(unshare --mount bash -c 'mount --bind "$1" "$2" && shift 2 && exec timeout 20 "$@"' \
  hide "$empty" "$library" "$portlens" token create --name t --db "$url" 2>&1)
code=$?
set -e
echo "exit $code: $output"
[ "$code" -eq 3 ] || { echo "FAIL: expected exit 3 (as for a SQLite file that cannot open)" >&2; exit 1; }
grep -q 'Debian package libpq5' <<<"$output" || { echo "FAIL: the error does not name libpq5" >&2; exit 1; }
