#!/usr/bin/env bash
# Guard rails that must hold before a single packet: a SYN scan of more than a /8 without an
# exclude list is refused (exit 2, clear message); with the shipped exclude file it passes
# the guard. Runs in an empty network namespace (no interface up, no route), so even a broken
# guard could not send anything anywhere.
#   syn_guard.sh PATH_TO_PORTLENS REPO_DIR
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
repo=${2:?usage: syn_guard.sh PATH_TO_PORTLENS REPO_DIR}
[ "$(id -u)" -eq 0 ] || skip "needs root for unshare -n"
command -v unshare >/dev/null || skip "unshare is not installed"

isolated() { timeout -k 5 30 unshare -n "$PORTLENS" "$@"; }

status=0
message=$(isolated scan --syn -p 80 10.0.0.0/7 2>&1) || status=$?
[ "$status" -eq 2 ] || die "a /7 without exclusions exited $status, expected 2 ($message)"
grep -q "more than a /8" <<<"$message" || die "unclear refusal: $message"

status=0
message=$(isolated scan --syn -p 80 --exclude-file "$repo/data/exclude-special.txt" 0.0.0.0/0 2>&1) ||
  status=$?
# Past the guard, the empty namespace has no route: refused for that reason instead.
grep -q "more than a /8" <<<"$message" && die "the exclude file did not satisfy the guard"
{ [ "$status" -eq 2 ] && grep -q "no route" <<<"$message"; } ||
  die "expected 'no route' in an empty namespace, got status $status: $message"

status=0
message=$(isolated scan --syn --shard 4/3 -p 80 198.19.0.7 2>&1) || status=$?
{ [ "$status" -eq 2 ] && grep -q -- "--shard" <<<"$message"; } || die "bad --shard: status $status: $message"
say "PASS: the guard refuses, the exclude file passes it, bad options exit 2"
