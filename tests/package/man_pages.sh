#!/usr/bin/env bash
# package.man_pages: every subcommand of src/cli/app.cpp's table is the one `portlens --help`
# lists and has its page portlens-NAME(1); every option of every --help (nested subcommands
# such as `token create` included) appears in the rendered page.
# Usage: man_pages.sh PORTLENS_BINARY MAN_DIR APP_CPP
set -euo pipefail
binary=$1 man_dir=$2 app_cpp=$3
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
command -v man >/dev/null || { echo "man-db is not installed: skipped" >&2; exit 77; }

table=$(app_subcommands "$app_cpp")
[ -n "$table" ] || { echo "FAIL: no subcommand found in $app_cpp's table" >&2; exit 1; }
listed=$("$binary" --help | help_subcommands | sort)
[ "$table" = "$listed" ] ||
  fail "app.cpp's table (${table//$'\n'/ }) != --help (${listed//$'\n'/ })"

# Rendered as plain ASCII, unwrapped, so an option is one unbroken word.
rendered() { LC_ALL=C MANWIDTH=1000 man --local-file "$1" 2>/dev/null | col -b; }

# check_page PAGE [COMMAND]: the page lists every option of `portlens [COMMAND] --help` and,
# for a subcommand's page, of its nested subcommands (`token create`).
check_page() {
  local page=$man_dir/$1.1 text option command
  shift
  [ -f "$page" ] || { fail "no page $page"; return; }
  text=$(rendered "$page")
  grep -q "^NAME" <<<"$text" || fail "$page does not render"
  local commands=("$*")
  if [ $# -gt 0 ]; then
    for command in $("$binary" "$@" --help | help_subcommands); do commands+=("$* $command"); done
  fi
  for command in "${commands[@]}"; do
    # shellcheck disable=SC2086 # the words of the command path
    for option in $("$binary" $command --help | help_options); do
      grep -qF -- "$option" <<<"$text" ||
        fail "$page lacks option $option of 'portlens $command'"
    done
  done
}

check_page portlens
top=$(rendered "$man_dir/portlens.1")
pages=0
for command in $table; do
  check_page "portlens-$command" "$command"
  grep -qF "portlens-$command(1)" <<<"$top" ||
    fail "portlens(1) does not refer to portlens-$command(1)"
  pages=$((pages + 1))
done
[ "$failures" -eq 0 ] || exit 1
echo "man pages: portlens(1) and $pages subcommand pages list every option of --help"
