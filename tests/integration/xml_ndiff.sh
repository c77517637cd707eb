#!/usr/bin/env bash
# (g) XML output works with nmap's ndiff: scan twice in XML with one port changed in between
# (80/tcp of 198.19.0.7 goes from open to filtered by an nft reject rule). ndiff must parse
# both files and report exactly that change; the first file must also match the truth.
#   xml_ndiff.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

require_portlens "${1:-}"
require_lab_tools ndiff
lab_up nd

host=198.19.0.7
ports="1-1024,8080,65535"
scan_xml() {
  local out=$1 status=0
  # shellcheck disable=SC2086
  in_lab 45 "$PORTLENS" scan -p "$ports" --format xml -o "$out" --seed 4 --quiet \
    ${PORTLENS_SCAN_ARGS:-} "$host" >>"$WORK_DIR/stdout" 2>>"$WORK_DIR/stderr" || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 20 "$WORK_DIR/stderr" >&2
    die "portlens exited $status"
  fi
}

say "first XML scan of $host"
scan_xml "$WORK_DIR/before.xml"
check_truth --xml "$WORK_DIR/before.xml" --host "$host" --ports "$ports" --unlisted closed ||
  die "the XML of the first scan does not match the lab's truth"
"$LAB_SH" block "$LAB_NAME" "$host" 80 reject
say "second XML scan of $host"
scan_xml "$WORK_DIR/after.xml"

status=0
ndiff "$WORK_DIR/before.xml" "$WORK_DIR/after.xml" >"$WORK_DIR/ndiff.txt" 2>&1 || status=$?
cat "$WORK_DIR/ndiff.txt" >&2
# ndiff: 0 = no differences, 1 = differences, 2 = error (e.g. XML it cannot read).
[ "$status" -eq 1 ] || die "ndiff exited $status (expected 1: differences found)"
grep -Eq '^-80/tcp +open' "$WORK_DIR/ndiff.txt" || die "ndiff does not show 80/tcp was open"
grep -Eq '^\+80/tcp +filtered' "$WORK_DIR/ndiff.txt" || die "ndiff does not show 80/tcp filtered"
changed=$(grep -Ec '^[-+][0-9]+/tcp' "$WORK_DIR/ndiff.txt" || true)
[ "$changed" -eq 2 ] || die "ndiff reports $changed changed port lines, expected 2 (80/tcp only)"
say "PASS: ndiff reports 80/tcp open -> filtered and nothing else"
