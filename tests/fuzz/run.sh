#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time.
#   tests/fuzz/run.sh BUILD_DIR          (make fuzz: build/fuzz)
# Env: FUZZ_SECONDS, seconds per target (default 60).
# Each target starts from a copy of its committed seed corpus (tests/data/fuzz/<name>/), so
# new inputs never land in the source tree; crash inputs go to BUILD_DIR/fuzz-artifacts/.
# Exits non-zero when any target crashes, leaks, times out or is missing.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd) || exit 2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
names=(target_spec port_spec target_tokens reply resume target_policy socket_filter netlink_diag
       probe_file service_match)

failed=()
names+=(certificate starttls)  # TLS in service detection (src/detect/tls)
names+=(service_codec)  # the store's ServiceInfo column (src/store/service_codec)
names+=(port_policy results)  # the port policy (src/policy) and result files (src/results)
names+=(dns_message)  # DNS answers of target verification (src/target_policy/dns_message)
for name in "${names[@]}"; do
  fuzzer="$build_dir/tests/fuzz/fuzz_$name"
  seeds="$source_dir/tests/data/fuzz/$name"
  if [ ! -x "$fuzzer" ]; then
    echo "fuzz: $fuzzer is missing (configure with the fuzz preset)" >&2
    failed+=("$name")
    continue
  fi
  corpus="$build_dir/fuzz-corpus/$name"
  artifacts="$build_dir/fuzz-artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null
  max_len=256
  [[ "$name" = certificate || "$name" = starttls ]] && max_len=4096  # DER certs, long lines
  [ "$name" = netlink_diag ] && max_len=4096  # seeds are whole recv() buffers
  [ "$name" = probe_file ] && max_len=2048     # a few probe sections
  [ "$name" = service_match ] && max_len=2048  # whole answers (an INFO reply, a handshake)
  echo "fuzz: $name for ${seconds}s (corpus $corpus)"
  "$fuzzer" "$corpus" -max_total_time="$seconds" -max_len="$max_len" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" 2>&1 | tee "$build_dir/fuzz-$name.log" |
    grep -E '^(Done [0-9]+ runs|ALARM|==[0-9]+==|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|artifact_prefix|Test unit written)'
  status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $name FAILED (exit $status); see $build_dir/fuzz-$name.log and $artifacts/" >&2
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failures in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a crash"
