#!/usr/bin/env bash
# package.lintian: lintian reports no error and no warning on the package (informational tags
# are printed, not failed on).
# Usage: lintian.sh PACKAGE_DIR
set -euo pipefail
package_dir=$1
command -v lintian >/dev/null ||
  { echo "FAIL: lintian missing (scripts/install-deps.sh)" >&2; exit 1; }
deb=$(find "$package_dir" -maxdepth 1 -name 'portlens_*_amd64.deb' | head -n 1)
[ -f "$deb" ] || { echo "FAIL: no portlens_*_amd64.deb in $package_dir" >&2; exit 1; }
status=0
lintian --display-info --fail-on error,warning "$deb" 2>&1 |
  grep -v "running with root privileges" || status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || { echo "FAIL: lintian reports errors or warnings" >&2; exit 1; }
echo "lintian: no error, no warning on $(basename "$deb")"
