#!/usr/bin/env bash
# ESLint over the page (web/js) and its tests, with the repository's eslint.config.js.
# ESLint comes from tests/browser/setup.sh (npm, into tests/browser/node_modules; no root,
# no browser). Exit 77 (skipped) when it cannot be installed (no npm, offline).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tests/browser/setup.sh" || { echo "SKIP: eslint could not be installed (tests/browser/setup.sh)"; exit 77; }
cd "$root"
exec tests/browser/node_modules/.bin/eslint --max-warnings 0 web/js tests/web tests/browser eslint.config.js
