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
  # portlens.toml (the web service's config file)
  libtomlplusplus-dev
  # web service: Beast/Asio, the SQLite store, SHA-256 of API tokens
  libboost1.81-dev libsqlite3-dev libssl-dev
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
  # lab result checks (tests/lab/truth_check.py)
  python3
  # XML well-formedness checks in tests/unit/output
  libxml2-utils
  # lint checks of make test (tests/lint): format, clang-tidy, shell scripts
  clang-format-14 clang-tidy-14 shellcheck git
)

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

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh once when any package is unknown.
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/portlens-apt.log 2>&1; then
  apt-get update >/tmp/portlens-apt-update.log 2>&1
  apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/portlens-apt.log 2>&1 || {
    cat /tmp/portlens-apt.log >&2
    exit 1
  }
fi
