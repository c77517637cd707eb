#!/usr/bin/env bash
# `portlens sockets --watch` under tmux, in a private network namespace: the first frame
# lists the helper's sockets with a summary line; a listener opened later shows up green,
# then red once closed; keys p (pause), s (sort), f (filter) and q (quit) do what they say.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sockets_lib.sh"
require_tools tmux
ns_up watch
helper_up --established 2 --time-wait 1
TMUX_SESSION="portlens-watch-$$"

# capture: the pane as text; capture_escapes: with SGR codes (-e).
capture() { tmux capture-pane -p -t "$TMUX_SESSION"; }
capture_escapes() { tmux capture-pane -p -e -t "$TMUX_SESSION"; }
# wait_for_colour TEXT PATTERN COLOUR: up to 15 s for the row matching PATTERN (which contains
# the literal TEXT) to be drawn in SGR colour COLOUR (32 green, 31 red). The cheap literal check
# runs on every capture, pane_color.py only on captures that hold the row, so a loaded machine
# does not make the loop miss a frame.
wait_for_colour() {
  local cap="$WORK_DIR/pane"
  for _ in $(seq 150); do
    capture_escapes >"$cap"
    if grep -qF -- "$1" "$cap" &&
      [ "$(python3 "$SOCKETS_DIR/pane_color.py" "$2" <"$cap")" = "$3" ]; then
      return 0
    fi
    sleep 0.1
  done
  cat -v "$cap" >&2
  die "pane never showed /$2/ in colour $3"
}
# wait_for PATTERN: up to 10 s for the pane to match (grep -E); generous because
# CTest may run this next to the lab's full-range scans.
wait_for() {
  for _ in $(seq 100); do
    capture | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  capture >&2
  die "pane never showed /$1/"
}

tmux new-session -d -s "$TMUX_SESSION" -x 160 -y 40 \
  "ip netns exec $NS $PORTLENS sockets --watch -a -p --interval 2; sleep 30" ||
  die "tmux new-session"
say "first frame"
wait_for '^portlens sockets --watch +every 2s'
wait_for '^[0-9]+ sockets: .*established.*listening'
wait_for 'LISTEN +0 +128 127\.0\.0\.1:8080 .*python3/'
wait_for 'TIME-WAIT .*127\.0\.0\.1:9000'
wait_for 'ephemeral [0-9]+/28232'

say "a new listener is green, then red when it closes"
in_ns python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9555)); s.listen(1); time.sleep(5)' &
opener=$!
wait_for_colour 127.0.0.1:9555 'LISTEN +0 +1 +127\.0\.0\.1:9555' 32
wait "$opener"
wait_for_colour 127.0.0.1:9555 'LISTEN +0 +1 +127\.0\.0\.1:9555' 31

say "keys: pause, sort, filter, quit"
tmux send-keys -t "$TMUX_SESSION" p
wait_for '\[PAUSED\]'
tmux send-keys -t "$TMUX_SESSION" p
sleep 0.5
capture | grep -q '\[PAUSED\]' && die "p did not resume"
tmux send-keys -t "$TMUX_SESSION" s
wait_for 'sort state'  # default order -> first key
tmux send-keys -t "$TMUX_SESSION" f
wait_for '^filter: _'
tmux send-keys -t "$TMUX_SESSION" 'state listening' Enter
wait_for 'filter state listening'
sleep 2.5
rows=$(capture | grep -cE '^(ESTAB|TIME-WAIT|LISTEN) ')
listen=$(capture | grep -cE '^LISTEN ')
{ [ "$rows" -eq 5 ] && [ "$listen" -eq 5 ]; } || { capture >&2; die "filter shows $rows rows"; }
tmux send-keys -t "$TMUX_SESSION" f C-u 'state bogus' Enter
wait_for "filter: unknown state 'bogus'"
tmux send-keys -t "$TMUX_SESSION" q
for _ in $(seq 50); do
  capture | grep -q 'portlens sockets --watch' || break
  sleep 0.1
done
capture | grep -q 'portlens sockets --watch' && die "q did not quit"
say "PASS"
