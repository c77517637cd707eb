#!/usr/bin/env bash
# Fails when COMMAND maps a library that portlens loads only on demand (libssl, libcrypto:
# -sV's TLS, src/detect/tls/openssl_api; libpcap: the SYN scan's filter, src/net/bpf_compiler;
# libpq: a postgresql:// store, src/store/postgres/libpq_api),
# so `portlens port 80` and `portlens sockets` keep their start-up cost (docs/architecture.md,
# "Start-up cost of small commands"). The dynamic loader itself reports what it maps
# (LD_DEBUG=files), whether linked (DT_NEEDED) or dlopen'ed, up to the command's exit.
#
#   tests/startup/lazy_libraries.sh COMMAND [ARGUMENTS...]
#
# Exit 0: COMMAND succeeded and mapped none of them. Exit 1: it mapped one (named), failed,
# or the loader printed nothing (LD_DEBUG ignored, e.g. a binary with file capabilities), so
# the check cannot pass without having looked.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGUMENTS...]" >&2; exit 2; }

log=$(mktemp /tmp/portlens-lazy-libraries.XXXXXX)
trap 'rm -f "$log"' EXIT
LD_DEBUG=files LD_DEBUG_OUTPUT=$log "$@" >/dev/null ||
  { echo "lazy_libraries: '$*' failed" >&2; exit 1; }
# LD_DEBUG_OUTPUT appends the process id: one file per process the command ran.
maps=$(cat "$log".* 2>/dev/null | grep -E 'file=[^ ]+ \[[0-9]+\];' || true)
rm -f "$log".*
if ! grep -q 'file=libc\.so' <<<"$maps"; then
  echo "lazy_libraries: the dynamic loader reported nothing for '$*' (LD_DEBUG ignored?)" >&2
  exit 1
fi
if loaded=$(grep -E 'file=lib(ssl|crypto|pcap|pq)\.so' <<<"$maps"); then
  echo "lazy_libraries: '$*' maps a library it should load only on demand:" >&2
  sed -E 's/^ *[0-9]+: *//' <<<"$loaded" >&2
  exit 1
fi
echo "lazy_libraries: '$*' maps no libssl, libcrypto, libpcap or libpq"
