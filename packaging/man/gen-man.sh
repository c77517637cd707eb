#!/usr/bin/env bash
# Writes the man pages portlens(1) and portlens-SUBCOMMAND(1) from the program's own --help
# (help2man), so every option a page lists is one the binary has. The prose that --help
# cannot carry (overview, examples, files, see also) is hand-written in packaging/man/*.h2m.
# A subcommand with subcommands of its own (token create) gets their help in its page.
# Usage: gen-man.sh PORTLENS_BINARY H2M_DIR OUT_DIR VERSION SUBCOMMAND...
set -euo pipefail
binary=$(realpath "$1") h2m_dir=$2 out_dir=$3 version=$4
shift 4
command -v help2man >/dev/null ||
  { echo "gen-man: help2man is not installed (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$out_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Dates in the pages come from the source, not the clock (reproducible builds).
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$h2m_dir" log -1 --format=%ct 2>/dev/null ||
  echo 0)}
export SOURCE_DATE_EPOCH

# The names listed under "Subcommands:" in a --help text.
nested_commands() {
  awk '/^Subcommands:/ { in_list = 1; next } /^[^ ]/ { in_list = 0 }
       in_list && /^  [a-z]/ { print $1 }'
}

# CLI11 puts a description on the option's line when it fits; one that starts with a dash
# ("-sV: ...") would read to help2man as another option name, so it goes to the next line.
split_dash_descriptions='s/^(  -[^ ]+( [^ ]+)*)  +(-.*)$/\1\n                              \3/'

# A nested subcommand's help without its usage, headers and blank lines, indented under the
# "Subcommand NAME:" heading (help2man would otherwise start new sections there).
nested_help_body='/^Usage:/d; /^Options:/d; /^Positionals:/d; /^$/d; s/^/  /'

# help2man runs a program by its page name; each page gets a wrapper of that name that prints
# the subcommand's --help, then the --help of its own subcommands (minus their usage lines).
page() {
  local name=$1 summary=$2 wrapper=$work/$1
  shift 2
  {
    echo '#!/bin/sh'
    # shellcheck disable=SC2016 # the wrapper expands $1, not this script
    printf 'case "$1" in --help) ;; *) echo %s; exit 0 ;; esac\n' "$version"
    echo '{'
    printf '"%s"' "$binary"; printf ' %s' "$@"; echo ' --help'
    local nested
    if [ $# -gt 0 ]; then
      for nested in $("$binary" "$@" --help | nested_commands); do
        printf 'echo; echo "Subcommand %s:"; "%s"' "$nested" "$binary"
        printf ' %s' "$@"; echo " $nested --help | sed '$nested_help_body'"
      done
    fi
    echo "} | sed -E '$split_dash_descriptions'"
  } >"$wrapper"
  chmod +x "$wrapper"
  local include=()
  [ -f "$h2m_dir/$name.h2m" ] && include=(--include "$h2m_dir/$name.h2m")
  [ "$name" = portlens ] && include+=(--include "$work/see-also.h2m")
  help2man --no-info --section 1 --manual "Portlens manual" --source "portlens $version" \
    --name "$summary" "${include[@]}" --output "$out_dir/$name.1" "$wrapper"
}

# portlens(1) refers to every subcommand's page.
{
  echo '[SEE ALSO]'
  for command in "$@"; do
    [ "$command" = "${*: -1}" ] && separator="" || separator=","
    printf '.BR portlens\\-%s (1)%s\n' "$command" "$separator"
  done
} >"$work/see-also.h2m"

help_text=$("$binary" --help)
page portlens "$(head -n 1 <<<"$help_text" | sed 's/^Portlens: //')"
for command in "$@"; do
  summary=$(awk -v c="$command" '$1 == c { $1 = ""; sub(/^ +/, ""); print }' <<<"$help_text")
  [ -n "$summary" ] || { echo "gen-man: '$command' is not in portlens --help" >&2; exit 1; }
  page "portlens-$command" "$summary" "$command"
done
