#!/usr/bin/env bash
# Installs every Debian package Portlens needs to build, test and benchmark.
# Idempotent and quiet when everything is present, so `make run` / `make test` can call it
# on every invocation. Needs root (apt-get) only when something is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ clang make pkg-config
  # libraries
  libcli11-dev libfmt-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  liburing-dev libpcap-dev libcap-dev
  # service detection: match patterns (PCRE2 with JIT)
  libpcre2-dev
  # portlens.toml (the web service's config file); the port policy (YAML)
  libtomlplusplus-dev libyaml-cpp-dev
  # web service: Beast/Asio, the SQLite store, SHA-256 of API tokens
  libboost1.81-dev libsqlite3-dev libssl-dev
  # the PostgreSQL store (--db postgresql://...): libpq's headers (libpq.so.5 is opened with
  # dlopen at run time, store/postgres/libpq_api); tests run initdb from postgresql-15
  libpq-dev
  # fuzzing (libFuzzer runtime for clang)
  libclang-rt-14-dev
  # lab and integration tests
  iproute2 nftables procps util-linux libcap2-bin
  # peers and tools for tests and benchmarks
  nmap ndiff hyperfine time masscan zmap tcpdump wrk curl
  # CPU time and page faults of small commands (bench/startup.sh)
  linux-perf
  # browser tests of the page (playwright-core itself comes from tests/browser/setup.sh)
  chromium nodejs
  # local sockets: ss (iproute2) and lsof to compare with, tmux for the --watch test
  lsof tmux
  # verified targets (tests/integration/web_verify.sh): a DNS server the test runs in the
  # lab. dnsmasq-base is the binary alone, with no system service to start or stop.
  dnsmasq-base
  # lab result checks (tests/lab/truth_check.py)
  python3
  # XML well-formedness checks in tests/unit/output
  libxml2-utils
  # alert deliveries (tests/integration/alerts.sh): an SMTP server the test starts on loopback
  python3-aiosmtpd
  # lint checks of make test (tests/lint): format, clang-tidy, shell scripts
  clang-format-14 clang-tidy-14 shellcheck git
  # make deb (packaging/): CPack's dpkg-shlibdeps, man pages from --help; its checks
  # (tests/package): lintian, a clean Debian 12 root, rendered pages, zsh completion syntax
  dpkg-dev help2man lintian mmdebstrap man-db bsdextrautils zsh
)

# Real daemons for service detection (tests/lab/daemons.sh runs them inside a lab namespace
# with its own configs). Installed WITHOUT starting them: they must never run as system
# services of this machine (see install_without_starting below).
daemon_packages=(
  openssh-server nginx-light vsftpd exim4-daemon-light dovecot-imapd dovecot-pop3d
  redis-server memcached mosquitto mariadb-server postgresql openssl prometheus-alertmanager
)
# GET /metrics: promtool checks its output, and a real Prometheus scrapes it in a test
# (tests/integration/metrics), with its own config and data dir, on loopback only.
daemon_packages+=(prometheus)
# Their init scripts / units, stopped and disabled after every install that brought any.
daemon_services=(ssh nginx vsftpd exim4 dovecot redis-server memcached mosquitto mariadb
  postgresql prometheus-alertmanager)
daemon_services+=(prometheus)
packages+=("${daemon_packages[@]}")

# npm ships inside some nodejs builds (NodeSource); Debian's own npm package would conflict.
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or install them) and retry" >&2
  exit 1
fi

# Debian starts a daemon as soon as its package is installed. A policy-rc.d that answers 101
# ("action forbidden") makes invoke-rc.d refuse every start during the install; the file this
# machine had before (if any) is put back afterwards, also when apt fails.
POLICY=/usr/sbin/policy-rc.d
POLICY_SAVED=""
guard_services() {
  if [ -e "$POLICY" ]; then
    POLICY_SAVED=$(mktemp /tmp/portlens-policy-rc.d.XXXXXX)
    cp -p "$POLICY" "$POLICY_SAVED"
  fi
  printf '#!/bin/sh\n# portlens install-deps: no service starts during the install\nexit 101\n' \
    >"$POLICY"
  chmod 755 "$POLICY"
  trap unguard_services EXIT
}
unguard_services() {
  if [ -n "$POLICY_SAVED" ]; then
    cp -p "$POLICY_SAVED" "$POLICY" && rm -f "$POLICY_SAVED"
  else
    rm -f "$POLICY"
  fi
  trap - EXIT
}

# Whatever an install still started (a postinst that bypasses invoke-rc.d) is stopped, and
# every daemon is disabled so no boot starts it either.
stop_and_disable_daemons() {
  local service
  for service in "${daemon_services[@]}"; do
    [ -e "/etc/init.d/$service" ] || [ -e "/lib/systemd/system/$service.service" ] || continue
    if service "$service" status >/dev/null 2>&1; then
      echo "install-deps: $service was started by its install; stopping it" >&2
      service "$service" stop >/dev/null 2>&1 || true
    fi
    if [ -d /run/systemd/system ]; then
      systemctl disable --now "$service" >/dev/null 2>&1 || true
    else
      systemctl disable "$service" >/dev/null 2>&1 || true
    fi
    if [ -e "/etc/init.d/$service" ]; then update-rc.d "$service" disable >/dev/null 2>&1 || true; fi
  done
}

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
guard_services
# A fresh machine has no package lists yet; refresh once when any package is unknown.
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/portlens-apt.log 2>&1; then
  apt-get update >/tmp/portlens-apt-update.log 2>&1
  apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/portlens-apt.log 2>&1 || {
    cat /tmp/portlens-apt.log >&2
    exit 1
  }
fi
unguard_services
stop_and_disable_daemons
