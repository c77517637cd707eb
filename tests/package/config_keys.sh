#!/usr/bin/env bash
# package.config_keys: the shipped /etc/portlens/portlens.toml documents every key and table
# that src/server/server_config.cpp reads (set, or shown commented out), so a key added to
# the server is also explained to the administrator; and portlens accepts the file as it is.
# Usage: config_keys.sh PORTLENS_BINARY CONFIG SERVER_CONFIG_CPP
set -euo pipefail
binary=$1 config=$2 source=$3
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
keys=$(grep -oE 'key [!=]= "[a-z_]+"' "$source" | sed -E 's/.*"(.*)"/\1/' | sort -u)
[ -n "$keys" ] || { echo "FAIL: no key found in $source" >&2; exit 1; }
for key in $keys; do
  grep -qE "^#? ?(\[)?($key( =|\]|\.))" "$config" ||
    fail "$config does not show '$key' (read by $(basename "$source"))"
done
# The file parses: serve reads it and stops at the listen address it is told is invalid.
error=$("$binary" serve --config "$config" --listen invalid 2>&1) || true
grep -q "needs HOST:PORT" <<<"$error" || fail "portlens serve --config $config: $error"
[ "$failures" -eq 0 ] || exit 1
echo "config: $(wc -w <<<"$keys") keys of $(basename "$source") shown in $(basename "$config")"
