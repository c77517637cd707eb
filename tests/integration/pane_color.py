#!/usr/bin/env python3
"""Prints the SGR foreground colour (30-37, or "default") in effect where PATTERN first
matches in a `tmux capture-pane -p -e` dump read from stdin; nothing when it does not match.

tmux writes an attribute only where it changes, also across line ends, so the colour of a
row is the state carried from earlier lines, not a code at the start of that row.
"""
import re
import sys

pattern = re.compile(sys.argv[1])
sgr = re.compile(r"\x1b\[([0-9;]*)m")
text = sys.stdin.read()
match = pattern.search(sgr.sub("", text))
if not match:
    sys.exit(0)
colour = "default"
plain = 0  # characters of `text` without SGR codes seen so far
pos = 0
for m in sgr.finditer(text):
    chunk = m.start() - pos
    if plain + chunk > match.start():
        break
    plain += chunk
    pos = m.end()
    codes = [c for c in m.group(1).split(";") if c] or ["0"]
    for code in codes:
        if code in ("0", "39"):
            colour = "default"
        elif code.isdigit() and 30 <= int(code) <= 37:
            colour = code
print(colour)
