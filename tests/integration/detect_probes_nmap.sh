#!/usr/bin/env bash
# nmap reads our data/service-probes and names the recorded answers (tests/data/detect) as
# portlens does. Only loopback, inside a private network namespace made here (unshare -n).
#   detect_probes_nmap.sh SOURCE_DIR [DETECT_BENCH]   (bench/detect_loopback_bench: timed too)
set -euo pipefail
source_dir=${1:?usage: $0 SOURCE_DIR}
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v nmap >/dev/null ||
  ! command -v python3 >/dev/null; then
  echo "detect_probes_nmap: needs root, unshare, nmap and python3; skipped" >&2
  exit 77
fi
exec unshare -n python3 "$(dirname "$0")/detect_probes_nmap.py" "$source_dir" "${@:2}"
