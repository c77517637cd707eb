#!/usr/bin/env bash
# lint_format: every tracked C++ file is formatted as .clang-format says (clang-format 14,
# --dry-run -Werror), and no line is wider than its ColumnLimit: clang-format leaves long
# string literals and comments alone, so the width is checked on its own.
# Usage: tests/lint/format.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
clang_format=$(command -v clang-format-14 || command -v clang-format) ||
  { echo "lint_format: clang-format-14 is not installed (scripts/install-deps.sh)" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.cpp' '*.h')
"$clang_format" --dry-run -Werror "${files[@]}"

width=$(sed -n 's/^ColumnLimit: *\([0-9]*\).*/\1/p' .clang-format)
python3 - "$width" "${files[@]}" <<'PY'
import sys
width, files = int(sys.argv[1]), sys.argv[2:]
wide = 0
for name in files:
    with open(name, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if len(line) > width:  # code points, as clang-format counts them
                print(f"{name}:{number}: {len(line)} columns (limit {width})", file=sys.stderr)
                wide += 1
if wide:
    print(f"lint_format: {wide} line(s) wider than {width} columns", file=sys.stderr)
sys.exit(1 if wide else 0)
PY
echo "lint_format: ${#files[@]} files formatted, none wider than $width columns"
