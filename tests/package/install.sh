#!/usr/bin/env bash
# package.install: installs the package with dpkg -i into a clean Debian 12 root (mmdebstrap,
# variant "essential", plus the package's Depends, from the apt sources this machine already
# uses), then from the installed paths runs `portlens --version`, `portlens port 443` and
# `portlens serve` with the shipped config as an unprivileged user (as the unit would: its
# own state directory, no capability), fetches the page once, stops it, reinstalls (the
# upgrade path of postinst) and purges. The root is built once per Depends list and kept as
# a tarball in CACHE_DIR (a cold build is 30 s to 3 min, the machine's load decides; a warm
# run is a few seconds). Needs root (chroot, mounts); exits 77 otherwise.
# Usage: install.sh PACKAGE_DIR CACHE_DIR
set -euo pipefail
package_dir=$1 cache_dir=$2
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "not root: chroot and dpkg need it; skipped" >&2; exit 77; }
for tool in mmdebstrap unshare curl dpkg-deb; do
  command -v "$tool" >/dev/null ||
    { echo "FAIL: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
deb=$(find "$package_dir" -maxdepth 1 -name 'portlens_*_amd64.deb' | head -n 1)
[ -f "$deb" ] || { echo "FAIL: no portlens_*_amd64.deb in $package_dir" >&2; exit 1; }
version=$(dpkg-deb --field "$deb" Version)

# The registry this machine already uses: its apt source files that name the bookworm suite.
sources=()
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
  /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] && grep -qE '(^|[[:space:]])bookworm([[:space:]]|$)' "$file" && sources+=("$file")
done
[ "${#sources[@]}" -gt 0 ] || { echo "FAIL: no apt source for bookworm in /etc/apt" >&2; exit 1; }

# Depends without versions or alternatives: libssl3,libc6
depends=$(dpkg-deb --field "$deb" Depends | tr ',' '\n' |
  sed -E 's/\|.*//; s/\(.*\)//; s/[[:space:]]//g' | sort -u | paste -sd, -)
key=$( (echo "$depends"; cat "${sources[@]}") | sha256sum | cut -c1-16)
tarball=$cache_dir/bookworm-essential-$key.tar
mkdir -p "$cache_dir"
if [ ! -f "$tarball" ]; then
  started=$(date +%s)
  mmdebstrap --quiet --variant=essential --include="$depends" bookworm \
    "$cache_dir/partial-$key.tar" "${sources[@]}" </dev/null
  mv "$cache_dir/partial-$key.tar" "$tarball"
  echo "clean root: mmdebstrap bookworm essential + $depends in $(($(date +%s) - started)) s"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/portlens-root.XXXXXX")
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$tarball"
cp "$deb" "$root/tmp/portlens.deb"

# exec_in_root COMMAND...: replaces the current shell with COMMAND run in the root, with its
# own /proc and the host's /dev, in a private mount namespace (the mounts vanish with it).
# No fork on the way (unshare, sh, chroot and setpriv each exec the next), so
# `exec_in_root ... &` gives $! = the command's own pid. The network is the host's: loopback
# only here. With WRITABLE=DIR in the environment the root is read-only but for DIR and a
# fresh /tmp, as ProtectSystem=strict, StateDirectory= and PrivateTmp= make it for the unit.
# in_root COMMAND...: the same in a subshell, waited for.
exec_in_root() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  WRITABLE=${WRITABLE:-} exec unshare --mount --propagation private -- sh -c '
    set -e
    root=$1; shift
    if [ -n "$WRITABLE" ]; then
      mount --bind "$root" "$root" && mount -o remount,bind,ro "$root"
      mount --bind "$root$WRITABLE" "$root$WRITABLE"
      mount -o remount,bind,rw "$root$WRITABLE"
      mount -t tmpfs tmpfs "$root/tmp"
    fi
    mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev"
    exec chroot "$root" "$@"
  ' exec_in_root "$root" "$@"
}
in_root() { (exec_in_root "$@"); }

in_root dpkg --install /tmp/portlens.deb >"$root/tmp/dpkg.log" 2>&1 ||
  { cat "$root/tmp/dpkg.log" >&2; echo "FAIL: dpkg -i" >&2; exit 1; }
echo "dpkg -i: installed portlens $version"
for file in /usr/bin/portlens /lib/systemd/system/portlens.service /etc/portlens/portlens.toml \
  /usr/share/portlens/portlens-syn.conf /usr/share/man/man1/portlens.1.gz \
  /usr/share/bash-completion/completions/portlens /usr/share/zsh/vendor-completions/_portlens \
  /usr/share/doc/portlens/copyright /usr/share/doc/portlens/changelog.gz; do
  [ -f "$root$file" ] || fail "not installed: $file"
done
in_root dpkg-query --showformat="\${Conffiles}\n" --show portlens |
  grep -q /etc/portlens/portlens.toml || fail "/etc/portlens/portlens.toml is not a conffile"

shown=$(in_root /usr/bin/portlens --version)
[ "$shown" = "$version" ] || fail "portlens --version says '$shown', the package is $version"
in_root /usr/bin/portlens port 443 >"$root/tmp/port.txt"
head -n 3 "$root/tmp/port.txt"
grep -q https "$root/tmp/port.txt" || fail "portlens port 443 does not name https"

# The web service as the unit runs it: the shipped config, an unprivileged user, no
# capability and no way to gain one, a read-only system but for its state directory; on an
# ephemeral loopback port.
mkdir -p "$root/var/lib/portlens"
chown 65534:65534 "$root/var/lib/portlens"
if WRITABLE=/var/lib/portlens in_root touch /usr/writable 2>/dev/null; then
  fail "the read-only root is writable"  # the check below would prove less than it says
fi
WRITABLE=/var/lib/portlens exec_in_root setpriv --reuid=65534 --regid=65534 --clear-groups \
  --inh-caps=-all --bounding-set=-all --no-new-privs \
  /usr/bin/portlens serve --config /etc/portlens/portlens.toml --listen 127.0.0.1:0 \
  >"$root/tmp/serve.out" 2>"$root/tmp/serve.err" &
server_pid=$!
url=""
for _ in $(seq 100); do
  url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/' "$root/tmp/serve.out" || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  cat "$root/tmp/serve.err" >&2
  fail "portlens serve did not start"
else
  page=$(curl --silent --show-error --fail --max-time 10 "$url") || fail "GET $url failed"
  grep -qi "<title>[^<]*portlens" <<<"$page" || fail "GET $url is not the Portlens page"
  echo "portlens serve: $url answered $(wc -c <<<"$page") bytes"
  [ -f "$root/var/lib/portlens/portlens.db" ] || fail "no database in /var/lib/portlens"
fi
kill -TERM "$server_pid" 2>/dev/null || true
status=0
wait "$server_pid" || status=$?
server_pid=""
if [ "$status" -ne 0 ]; then
  cat "$root/tmp/serve.err" >&2
  fail "portlens serve exited $status on SIGTERM"
fi

# Reinstall (postinst configure with a previous version), then purge.
in_root dpkg --install /tmp/portlens.deb >"$root/tmp/dpkg.log" 2>&1 ||
  { cat "$root/tmp/dpkg.log" >&2; fail "dpkg -i over the installed package"; }
in_root dpkg --purge portlens >"$root/tmp/dpkg.log" 2>&1 ||
  { cat "$root/tmp/dpkg.log" >&2; fail "dpkg --purge"; }
if [ -e "$root/usr/bin/portlens" ] || [ -e "$root/etc/portlens/portlens.toml" ]; then
  fail "dpkg --purge left files behind"
fi
[ "$failures" -eq 0 ] || exit 1
echo "package.install: dpkg -i, --version, port 443, serve, reinstall and purge in a clean root"
