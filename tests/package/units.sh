#!/usr/bin/env bash
# package.units: `systemd-analyze verify` passes on portlens.service as packaged, alone and
# with the SYN drop-in (portlens-syn.conf) applied, and `systemd-analyze security` shows what
# each grants: no packet sockets and no CAP_NET_RAW without the drop-in, both with it. The
# package's /usr is laid over the machine's in a private mount namespace, so verify finds
# /usr/bin/portlens and the man pages of Documentation= without installing anything.
# Usage: units.sh PACKAGE_DIR
set -euo pipefail
package_dir=$1
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "not root: the /usr overlay needs it; skipped" >&2; exit 77; }
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing" >&2; exit 1; }
deb=$(find "$package_dir" -maxdepth 1 -name 'portlens_*_amd64.deb' | head -n 1)
[ -f "$deb" ] || { echo "FAIL: no portlens_*_amd64.deb in $package_dir" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/portlens-units.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb --extract "$deb" "$work/package"
mkdir -p "$work/plain" "$work/syn/portlens.service.d"
cp "$work/package/lib/systemd/system/portlens.service" "$work/plain/"
cp "$work/package/lib/systemd/system/portlens.service" "$work/syn/"
cp "$work/package/usr/share/portlens/portlens-syn.conf" "$work/syn/portlens.service.d/"

# with_package_usr COMMAND...: runs with the package's /usr over the machine's.
with_package_usr() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  unshare --mount --propagation private -- sh -c '
    mount -t overlay overlay -o "lowerdir=$1/usr:/usr" /usr && shift && exec "$@"
  ' with_package_usr "$work/package" "$@"
}

# check UNIT_DIR RAW: verify is silent and succeeds; security shows packet sockets and
# CAP_NET_RAW allowed when RAW is yes, refused when no.
check() {
  local unit=$1/portlens.service raw=$2 report mark
  if ! with_package_usr systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 ||
    [ -s "$work/verify.log" ]; then
    cat "$work/verify.log" >&2
    fail "systemd-analyze verify $unit"
  fi
  report=$(with_package_usr systemd-analyze security --offline=yes "$unit")
  mark="✓"
  [ "$raw" = yes ] && mark="✗"
  grep -qF "$mark RestrictAddressFamilies=~AF_PACKET" <<<"$report" ||
    fail "$unit: AF_PACKET is not ${raw/no/refused}${raw/yes/allowed}"
  grep -qF "$mark CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)" <<<"$report" ||
    fail "$unit: CAP_NET_RAW is not ${raw/no/refused}${raw/yes/allowed}"
  grep -qF "✓ User=/DynamicUser=" <<<"$report" || fail "$unit: not a dynamic user"
  echo "$(basename "$1"): verify passes; $(grep -o 'Overall exposure level.*' <<<"$report")"
}
check "$work/plain" no
check "$work/syn" yes
# The worker template, as one instance: the same grants as portlens.service without the drop-in.
mkdir -p "$work/worker"
cp "$work/package/lib/systemd/system/portlens-worker@.service" \
  "$work/worker/portlens-worker@lab.service"
if ! with_package_usr systemd-analyze verify "$work/worker/portlens-worker@lab.service" \
  >"$work/verify.log" 2>&1 || [ -s "$work/verify.log" ]; then
  cat "$work/verify.log" >&2
  fail "systemd-analyze verify portlens-worker@lab.service"
fi
[ "$failures" -eq 0 ] || exit 1
