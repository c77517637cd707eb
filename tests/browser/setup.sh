#!/usr/bin/env bash
# Installs the page's test tools into tests/browser/node_modules (gitignored), as pinned by
# package-lock.json: playwright-core (only it: the browser is Debian's chromium, `npx
# playwright install` cannot download here) and eslint with @eslint/js (tests/web/lint.sh).
# No root, no browser download. Idempotent.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
if [ -f "$dir/node_modules/playwright-core/package.json" ] &&
  [ -f "$dir/node_modules/eslint/package.json" ] &&
  [ -f "$dir/node_modules/@eslint/js/package.json" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "setup: npm is missing (scripts/install-deps.sh)" >&2; exit 1; }
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
