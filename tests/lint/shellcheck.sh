#!/usr/bin/env bash
# lint_shellcheck: shellcheck (settings in /.shellcheckrc) over every tracked shell script:
# *.sh, plus files whose first line is a sh/bash shebang (.ci/run).
# Usage: tests/lint/shellcheck.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
command -v shellcheck >/dev/null ||
  { echo "lint_shellcheck: shellcheck is not installed (scripts/install-deps.sh)" >&2; exit 1; }
scripts=()
while IFS= read -r file; do
  [ -f "$file" ] || continue
  case ${file##*/} in
    *.sh) scripts+=("$file") ;;
    *.*) ;;  # another language's file
    *) head -n 1 "$file" | grep -qE '^#!.*[/ ](ba)?sh( |$)' && scripts+=("$file") ;;
  esac
done < <(git ls-files)
shellcheck "${scripts[@]}"
echo "lint_shellcheck: ${#scripts[@]} scripts clean"
