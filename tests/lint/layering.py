#!/usr/bin/env python3
"""lint_layering: every #include "<folder>/..." in src/<lib>/ must name a folder (or header)
that the dependency table of docs/architecture.md allows for <lib>.

The table sits between the markers `<!-- layering:begin -->` and `<!-- layering:end -->` in
docs/architecture.md, one line per src/ folder: `folder: allowed...`, where an allowed entry
is a folder (`net`) or one header of a folder (`scan/records.h`). A folder may always include
its own headers. A row may also name a path prefix inside a folder (`scan/launcher`) for a
library that owns part of a folder; the longest matching row applies to a file. A src/ folder
without a row fails the check: a new library states its dependencies when it is added.
System headers (<...>) are not checked.

Usage: tests/lint/layering.py [SOURCE_DIR]; exits 1 naming each offending include.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def read_table(doc):
    text = doc.read_text(encoding="utf-8")
    match = re.search(r"<!-- layering:begin -->(.*?)<!-- layering:end -->", text, re.S)
    if not match:
        sys.exit(f"lint_layering: no layering table in {doc}")
    table = {}
    for line in match.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("```"):
            continue
        folder, _, allowed = line.partition(":")
        table[folder.strip()] = set(allowed.split())
    return table


def row_for(relative, table):
    """The longest row key that is the file's folder or a prefix of its path under src/."""
    folder = relative.split("/", 1)[0]
    keys = [k for k in table if k == folder or ("/" in k and relative.startswith(k))]
    return max(keys, key=len) if keys else None


def allowed(include, folder, uses):
    first = include.split("/", 1)[0]
    return first == folder or first in uses or include in uses


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2])
    table = read_table(root / "docs" / "architecture.md")
    src = root / "src"
    problems = []
    for folder in sorted(p.name for p in src.iterdir() if p.is_dir()):
        if folder not in table:
            problems.append(f"src/{folder}/: no row in the layering table of docs/architecture.md")
            continue
        for path in sorted((src / folder).rglob("*")):
            if path.suffix not in (".h", ".cpp"):
                continue
            row = row_for(path.relative_to(src).as_posix(), table)
            uses = table[row]
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = INCLUDE.match(line)
                if match and "/" in match.group(1) and not allowed(match.group(1), folder, uses):
                    rel = path.relative_to(root)
                    problems.append(f'{rel}:{number}: #include "{match.group(1)}": {row} may '
                                    f"use only {' '.join(sorted(uses)) or 'nothing'}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"lint_layering: {len(problems)} problem(s) against docs/architecture.md",
              file=sys.stderr)
        return 1
    print(f"lint_layering: src/ follows the table ({len(table)} libraries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
