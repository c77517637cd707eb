# shellcheck shell=bash
# Shared by the package tests (sourced). The subcommands that src/cli/app.cpp's table
# (kSubcommands) registers, and the names and options that a --help text lists.

# app_subcommands APP_CPP: one name a line, sorted.
app_subcommands() {
  grep -oE '\{"[a-z]+", add[A-Za-z]+Command\}' "$1" | sed -E 's/^\{"([a-z]+)".*/\1/' | sort
}

# help_subcommands: the names under "Subcommands:" of the --help text on stdin.
help_subcommands() {
  awk '/^Subcommands:/ { in_list = 1; next } /^[^ ]/ { in_list = 0 }
       in_list && /^  [a-z]/ { print $1 }'
}

# help_options: every option name (-p and --ports for "-p,--ports") of the --help on stdin.
help_options() {
  grep -oE '^  -[^ ]+' | tr -d ' ' | tr ',' '\n'
}

# shellcheck disable=SC2034 # read by the sourcing test
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
