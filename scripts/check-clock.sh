#!/usr/bin/env bash
# Fails when production code reads the machine's clocks or sleeps anywhere but in the clock's
# own implementation (src/core/clock.cpp): time is an input (src/core/clock.h), so the
# engines, the server and the store take a core::Clock& and tests drive them with a manual one.
#
# Usage: scripts/check-clock.sh [SOURCE_DIR]   (default: the repository holding this script)
# Prints file:line: text for every offending line and exits 1; exits 0 when there is none.
# Registered as the CTest test `clock_check` (label lint).
set -euo pipefail

root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
src="$root/src"
allowed="src/core/clock.cpp"

if [[ ! -d "$src" ]]; then
  echo "check-clock: no src/ under $root" >&2
  exit 2
fi

# Direct reads and sleeps. `Clock::now` catches aliases such as `using Clock =
# std::chrono::steady_clock;` (core::Clock's own callers write clock.now(), never Clock::now).
pattern='(steady_clock|system_clock|high_resolution_clock|[A-Za-z_]*Clock)::now[[:space:]]*\(|'
pattern+='\bsleep_for[[:space:]]*\(|\bsleep_until[[:space:]]*\(|\busleep[[:space:]]*\(|'
pattern+='\bnanosleep[[:space:]]*\(|\bclock_gettime[[:space:]]*\(|\bgettimeofday[[:space:]]*\(|'
pattern+='\btime[[:space:]]*\([[:space:]]*(nullptr|NULL|0)[[:space:]]*\)'

found=0
while IFS= read -r hit; do
  file="${hit%%:*}"
  relative="${file#"$root"/}"
  [[ "$relative" == "$allowed" ]] && continue
  rest="${hit#*:}"
  line="${rest%%:*}"
  text="${rest#*:}"
  # Comments may name the clocks (e.g. to say why something is not used).
  trimmed="${text#"${text%%[![:space:]]*}"}"
  [[ "$trimmed" == //* ]] && continue
  echo "$relative:$line: reads the clock or sleeps outside core::SystemClock:$text"
  found=1
done < <(grep -rnE --include='*.cpp' --include='*.h' --include='*.hpp' "$pattern" "$src" || true)

if [[ "$found" -ne 0 ]]; then
  echo "check-clock: take a core::Clock& (src/core/clock.h) instead; see docs/architecture.md" >&2
  exit 1
fi
echo "check-clock: no clock reads or sleeps outside $allowed"
