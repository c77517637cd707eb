#!/usr/bin/env bash
# Proves that nmap's ndiff reads Portlens XML as an nmap scan: a port that changed from open
# to closed is reported (exit 1), and two identical scans compare equal (exit 0).
# Usage: ndiff_test.sh PATH_TO_ndiff_xml_writer
set -euo pipefail

writer=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$writer" "$dir/open.xml" open
"$writer" "$dir/closed.xml" closed
"$writer" "$dir/open_again.xml" open

status=0
ndiff "$dir/open.xml" "$dir/closed.xml" >"$dir/diff.txt" 2>&1 || status=$?
cat "$dir/diff.txt"
if [ "$status" -ne 1 ]; then
  echo "FAIL: ndiff exit status $status for differing scans, expected 1" >&2
  exit 1
fi
# ndiff prints the vanished open port as "-22/tcp open  ssh".
if ! grep -Eq '^-22/tcp +open +ssh' "$dir/diff.txt"; then
  echo "FAIL: ndiff output does not mention port 22 going away" >&2
  exit 1
fi

status=0
ndiff "$dir/open.xml" "$dir/open_again.xml" >"$dir/same.txt" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  cat "$dir/same.txt"
  echo "FAIL: ndiff exit status $status for identical scans, expected 0" >&2
  exit 1
fi
echo "ndiff: OK"
