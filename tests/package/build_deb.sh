#!/usr/bin/env bash
# package.build (fixture of the other package tests): runs CPack on the configured build into
# OUT_DIR, as `make deb` does, and checks what lintian does not: the changelog's version is
# the package's, every dynamically linked library has its package in Depends
# (dpkg-shlibdeps' answer, plus libssl3 named outright), libpcap and libpq are recommended.
# Usage: build_deb.sh BUILD_DIR OUT_DIR CHANGELOG
set -euo pipefail
build_dir=$1 out_dir=$2 changelog=$3
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
rm -rf "$out_dir"
mkdir -p "$out_dir"
started=$(date +%s%N)
cpack --config "$build_dir/CPackConfig.cmake" -B "$out_dir" >"$out_dir/cpack.log" 2>&1 ||
  { cat "$out_dir/cpack.log" >&2; echo "FAIL: cpack" >&2; exit 1; }
deb=$(find "$out_dir" -maxdepth 1 -name 'portlens_*_amd64.deb' | head -n 1)
[ -f "$deb" ] || { echo "FAIL: cpack made no portlens_*_amd64.deb" >&2; exit 1; }
echo "$(basename "$deb"): $(stat -c %s "$deb") bytes, installed $(dpkg-deb --field "$deb" \
  Installed-Size) KiB, built in $((($(date +%s%N) - started) / 1000000)) ms"

version=$(dpkg-deb --field "$deb" Version)
logged=$(sed -nE '1s/^portlens \(([^)]+)\).*/\1/p' "$changelog")
[ "$logged" = "$version" ] ||
  fail "packaging/debian/changelog's latest entry is $logged, the package is $version: add an entry"

depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
echo "Recommends: $(dpkg-deb --field "$deb" Recommends)"
for needed in libc6 libssl3; do
  grep -qE "(^|, )$needed( |,|$)" <<<"$depends" || fail "Depends lacks $needed"
done
recommends=$(dpkg-deb --field "$deb" Recommends)
for wanted in libpcap0.8 libpq5; do
  grep -qE "(^|, )$wanted( |,|$)" <<<"$recommends" || fail "Recommends lacks $wanted"
done
# Every shared library the binary links comes from a package in Depends.
dpkg-deb --extract "$deb" "$out_dir/tree"
for library in $(objdump -p "$out_dir/tree/usr/bin/portlens" | awk '/NEEDED/ { print $2 }'); do
  # awk reads to the end: an early exit would kill ldconfig with SIGPIPE, and pipefail would
  # end this script without a word (seen in CI once the machine had many libraries).
  path=$(ldconfig -p | awk -v lib="$library" '$1 == lib && /x86-64/ && !found { found = $NF }
    END { print found }')
  # Merged /usr: dpkg knows the file under one of its two names.
  owner=$({ dpkg-query --search "$path" || dpkg-query --search "$(realpath "$path")"; } \
    2>/dev/null | sed -n '1s/:.*//p')
  grep -qE "(^|, )$owner( |,|$)" <<<"$depends" || fail "$library ($owner) is not in Depends"
done
rm -rf "$out_dir/tree"
[ "$failures" -eq 0 ] || exit 1
