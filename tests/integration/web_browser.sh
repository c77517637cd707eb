#!/usr/bin/env bash
# The page in headless chromium (tests/browser/web_page.mjs) against `portlens serve` in the
# lab: submit, live rows, explanation, sort, filter, export, diff, hostile text shown as text.
# Both the server and the browser run inside the lab's scanner namespace. Screenshots (1280 px
# and a 390 px phone) are kept in SHOTS (CTest sets it to build/.../artefacts/web-browser;
# by hand it defaults to a folder under /tmp, never the repository).
#   [LAB_TAG=wbr] web_browser.sh PATH_TO_PORTLENS   (LAB_TAG: 1-6 characters naming the lab)
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"

require_portlens "${1:-}"
require_lab_tools curl node /usr/bin/chromium
BROWSER_DIR="$INTEGRATION_DIR/../browser"
"$BROWSER_DIR/setup.sh" || skip "playwright-core could not be installed (tests/browser/setup.sh)"
SHOTS=${SHOTS:-${TMPDIR:-/tmp}/portlens-web-browser-screenshots}
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
lab_up "${LAB_TAG:-wbr}"
web_config
# The lab plays the public internet for the verified-targets card (a test-only knob; a
# top-level key, so before web_config's [tokens.lab] table).
sed -i '1i unsafe_test_public_ranges = ["198.18.0.0/15"]' "$WORK_DIR/portlens.toml"
TOKEN=$(token_create lab)
serve_start
status=0
in_lab 120 env PORTLENS_URL="http://127.0.0.1:$WEB_PORT/" TOKEN="$TOKEN" SHOTS="$SHOTS" \
  LAB_SH="$LAB_SH" LAB_NAME="$LAB_NAME" HOME="$WORK_DIR" \
  node "$BROWSER_DIR/web_page.mjs" || status=$?
serve_stop TERM || true
[ "$status" -eq 0 ] || die "browser test failed (screenshots in $SHOTS)"
say "PASS: page in chromium; screenshots in $SHOTS"
