#!/usr/bin/env bash
# package.completions: the bash completion offers every subcommand of src/cli/app.cpp's table,
# every option of every (nested) subcommand's --help, and the fixed values of an option
# ({text,json}); the zsh completion parses and names the same subcommands and options, and a
# real interactive zsh (zsh_complete.zsh, in a pseudo-terminal) offers the subcommands, an
# option's values and a nested subcommand's options.
# Usage: completions.sh PORTLENS_BINARY COMPLETION_DIR APP_CPP
set -euo pipefail
binary=$1 completion_dir=$2 app_cpp=$3
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# shellcheck source=/dev/null
source "$completion_dir/portlens"
# complete WORD...: what bash offers for the last word (COMPREPLY, one a line).
complete_words() {
  COMP_WORDS=(portlens "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  _portlens
  printf '%s\n' "${COMPREPLY[@]}"
}

table=$(app_subcommands "$app_cpp")
[ -n "$table" ] || { echo "FAIL: no subcommand found in $app_cpp's table" >&2; exit 1; }
offered=$(complete_words "" | sort)
[ "$offered" = "$table" ] ||
  fail "portlens <TAB> offers '${offered//$'\n'/ }', the table has '${table//$'\n'/ }'"
[ "$(complete_words "sc")" = "scan" ] || fail "portlens sc<TAB> is not scan"

zsh_file=$completion_dir/_portlens
# zsh_offers LINE WORD...: a real zsh, given LINE and TAB, shows every WORD (with
# WORD_END, a regex, after it: "word  -- description" lines for described words).
zsh_offers() {
  local line=$1 screen word
  shift
  screen=$(zsh -f "$(dirname "$0")/zsh_complete.zsh" "$completion_dir" "$line") ||
    { fail "zsh: no answer to '$line<TAB>'"; return; }
  for word in "$@"; do
    grep -qE -- "(^|[[:space:]])$word${WORD_END:-([[:space:]]|$)}" <<<"$screen" ||
      fail "zsh: '$line<TAB>' does not offer $word"
  done
}
if command -v zsh >/dev/null; then
  zsh -n "$zsh_file" || fail "_portlens is not valid zsh"
  # shellcheck disable=SC2086 # one word per subcommand
  WORD_END=" +-- " zsh_offers "portlens " $table
  zsh_offers "portlens port --format " text json
  zsh_offers "portlens token create --a" --admin --allow
else
  echo "zsh is not installed: the zsh completion is not checked" >&2
fi

# Every command path: portlens, each subcommand, each nested one (token create).
paths=("")
for command in $table; do
  paths+=("$command")
  for nested in $("$binary" "$command" --help | help_subcommands); do
    paths+=("$command $nested")
    grep -qF "'$nested:" "$zsh_file" || fail "zsh does not offer '$command $nested'"
  done
  grep -qF "'$command:" "$zsh_file" || fail "zsh does not offer '$command'"
done
options=0
for path in "${paths[@]}"; do
  # shellcheck disable=SC2086 # the words of the command path
  help=$("$binary" $path --help)
  # shellcheck disable=SC2086
  offered=$(complete_words $path -)
  for option in $(help_options <<<"$help"); do
    grep -qxF -- "$option" <<<"$offered" || fail "bash: 'portlens $path -<TAB>' lacks $option"
    grep -qF -- "'$option" "$zsh_file" || fail "zsh lacks $option of 'portlens $path'"
    options=$((options + 1))
  done
  # Options with fixed values: "--format TEXT:{text,json}=text".
  while read -r option values; do
    # shellcheck disable=SC2086
    offered=$(complete_words $path "$option" "" | sort)
    expected=$(tr ',' '\n' <<<"$values" | sort)
    [ "$offered" = "$expected" ] ||
      fail "bash: 'portlens $path $option <TAB>' offers '${offered//$'\n'/ }'"
  done < <(sed -nE 's/^  (-[^ ,]+,)?(--[^ ]+) [A-Z]+:\{([^}]*)\}.*/\2 \3/p' <<<"$help")
done
[ "$failures" -eq 0 ] || exit 1
echo "completions: ${#paths[@]} command paths, $options options, every subcommand of app.cpp"
