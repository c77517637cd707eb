#!/usr/bin/env bash
# Installs playwright-core (only it: the browser is Debian's chromium, `npx playwright
# install` cannot download here) into tests/browser/node_modules (gitignored). Idempotent.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
if [ -f "$dir/node_modules/playwright-core/package.json" ]; then exit 0; fi
command -v npm >/dev/null || { echo "setup: npm is missing (scripts/install-deps.sh)" >&2; exit 1; }
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
