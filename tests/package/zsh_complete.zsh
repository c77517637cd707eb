#!/usr/bin/env zsh
# What zsh's completion shows for a typed line, through a real interactive zsh in a
# pseudo-terminal (zpty) with the generated _portlens on its fpath. Used by completions.sh.
# Usage: zsh_complete.zsh COMPLETION_DIR 'portlens token create --a'   (prints the screen text)
zmodload zsh/zpty || exit 77
setopt extended_glob
screen=""
# read_until TEXT: reads the terminal until TEXT shows (15 s at most, on a loaded machine).
read_until() {
  local chunk i
  for i in {1..150}; do
    while zpty -r -t shell chunk; do screen+=$chunk; done
    [[ $screen == *$1* ]] && return 0
    sleep 0.1
  done
  return 1
}
# read_settled: reads until the terminal, having shown something, has been quiet for a second
# (15 s at most). zsh shows no completion list while more input waits, so the next keys wait
# for this.
read_settled() {
  local chunk i quiet=0
  for i in {1..150}; do
    if zpty -r -t shell chunk; then
      screen+=$chunk
      quiet=0
    else
      [[ -n $screen ]] && (( ++quiet >= 10 )) && return 0
      sleep 0.1
    fi
  done
}
zpty shell zsh -f -i
# The prompt reads "ready>", which the echoed command line ('rea''dy> ') does not contain.
zpty -w shell "PS1='rea''dy> '; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
read_until 'ready>' || exit 1
screen=""
zpty -n -w shell "$2"$'\t'
read_settled
zpty -n -w shell $'\C-u'
zpty -w shell 'print done-$((6*7))'
read_until done-42 || exit 1
zpty -d shell
screen=${screen//$'\e'\[[0-9;?]#[a-zA-Z]/}
print -r -- ${screen//$'\r'/$'\n'}
