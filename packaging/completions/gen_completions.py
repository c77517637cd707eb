#!/usr/bin/env python3
"""Writes the bash and zsh completions of portlens from the program's own --help.

Every subcommand (and nested subcommand, such as `token create`) and every option that
--help lists is completed; options with a fixed set of values ({text,json}) complete those
values. Run at build time, so the completions cannot drift from the CLI.
Usage: gen_completions.py PORTLENS_BINARY OUT_DIR   (writes OUT_DIR/portlens, OUT_DIR/_portlens)
"""
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

TYPE_WORD = re.compile(r"^(TEXT|UINT|INT|FLOAT)")
OPTION_LINE = re.compile(r"^  (-\S+)(?: (\S+))?")


@dataclass
class Option:
    names: list
    takes_value: bool
    choices: list
    description: str


@dataclass
class Command:
    path: list  # [] for portlens itself, ["token", "create"] for a nested one
    description: str = ""
    options: list = field(default_factory=list)
    children: list = field(default_factory=list)  # Command


def help_text(binary, path):
    return subprocess.run([binary, *path, "--help"], check=True, capture_output=True,
                          text=True).stdout


def parse_help(text):
    """Options and subcommands (name, description) of one --help text."""
    options, subcommands, section = [], [], None
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line and not line.startswith(" "):
            section = line.rstrip(":") if line.endswith(":") else None
            continue
        if section == "Subcommands":
            parts = line.split(None, 1)
            if parts:
                subcommands.append((parts[0], parts[1].strip() if len(parts) > 1 else ""))
        elif section == "Options":
            match = OPTION_LINE.match(line)
            if not match:
                continue
            type_word = match.group(2) or ""
            choices = re.search(r"\{([^}]*)\}", type_word)
            description = re.split(r"\s{2,}", line.strip(), maxsplit=1)
            if len(description) == 2:
                description = description[1]
            elif index + 1 < len(lines) and lines[index + 1].startswith(" " * 20):
                description = lines[index + 1].strip()
            else:
                description = ""
            options.append(Option(match.group(1).split(","), bool(TYPE_WORD.match(type_word)),
                                  choices.group(1).split(",") if choices else [], description))
    return options, subcommands


def load(binary, path=(), description=""):
    options, subcommands = parse_help(help_text(binary, list(path)))
    command = Command(list(path), description, options)
    for name, sub_description in subcommands:
        command.children.append(load(binary, (*path, name), sub_description))
    return command


def walk(command):
    yield command
    for child in command.children:
        yield from walk(child)


def bash_script(root):
    out = ["# bash completion for portlens. Generated from `portlens --help` by",
           "# packaging/completions/gen_completions.py: do not edit.",
           "_portlens() {",
           "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
           "  local path='' children options word i",
           "  for ((i = 1; i < COMP_CWORD; i++)); do",
           "    word=${COMP_WORDS[i]}",
           "    case \"$path:$word\" in"]
    for command in walk(root):
        for child in command.children:
            out.append(f"      '{' '.join(command.path)}:{child.path[-1]}') "
                       f"path='{' '.join(child.path)}' ;;")
    out += ["    esac", "  done", "  case \"$path:$prev\" in"]
    for command in walk(root):
        for option in command.options:
            if option.choices:
                labels = "|".join(f"'{' '.join(command.path)}:{n}'" for n in option.names)
                out.append(f"    {labels}) mapfile -t COMPREPLY < <(compgen -W "
                           f"'{' '.join(option.choices)}' -- \"$cur\"); return ;;")
    out += ["  esac", "  case \"$path\" in"]
    for command in walk(root):
        names = " ".join(n for o in command.options for n in o.names)
        children = " ".join(c.path[-1] for c in command.children)
        out.append(f"    '{' '.join(command.path)}') options='{names}' children='{children}' ;;")
    out += ["  esac",
            "  if [[ $cur == -* ]]; then",
            "    mapfile -t COMPREPLY < <(compgen -W \"$options\" -- \"$cur\")",
            "  elif [ -n \"$children\" ]; then",
            "    mapfile -t COMPREPLY < <(compgen -W \"$children\" -- \"$cur\")",
            "  fi",
            "}",
            "complete -o bashdefault -o default -F _portlens portlens", ""]
    return "\n".join(out)


def zsh_quote(text):
    return text.replace("[", "(").replace("]", ")").replace("'", "'\\''")


def zsh_function_name(command):
    return "_portlens" + "".join("_" + part for part in command.path)


def zsh_function(command):
    specs = []
    for option in command.options:
        for name in option.names:
            spec = name
            if option.takes_value:
                spec += "=" if name.startswith("--") else "+"
            spec += f"[{zsh_quote(option.description)}]"
            if option.takes_value:
                action = f"({' '.join(option.choices)})" if option.choices else "_default"
                spec += f":{name.lstrip('-')}:{action}"
            specs.append(f"'{spec}'")
    body = [f"{zsh_function_name(command)}() {{"]
    if command.children:
        body += ["  local curcontext=$curcontext state line", "  typeset -A opt_args",
                 "  _arguments -C \\"]
        body += [f"    {spec} \\" for spec in specs]
        body += ["    '1:command:->command' '*::argument:->argument'",
                 "  case $state in",
                 "    command)",
                 "      local -a commands=("]
        body += [f"        '{child.path[-1]}:{zsh_quote(child.description)}'"
                 for child in command.children]
        body += ["      )",
                 "      _describe -t commands command commands ;;",
                 "    argument)",
                 "      case $words[1] in"]
        body += [f"        {child.path[-1]}) {zsh_function_name(child)} ;;"
                 for child in command.children]
        body += ["      esac ;;", "  esac", "}"]
    else:
        body += ["  _arguments -s \\"] + [f"    {spec} \\" for spec in specs]
        body += ["    '*:argument:_default'", "}"]
    return body


def zsh_script(root):
    out = ["#compdef portlens",
           "# zsh completion for portlens. Generated from `portlens --help` by",
           "# packaging/completions/gen_completions.py: do not edit."]
    for command in walk(root):
        out += zsh_function(command) + [""]
    out += ['_portlens "$@"', ""]
    return "\n".join(out)


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    root = load(binary)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "portlens"), "w", encoding="utf-8") as f:
        f.write(bash_script(root))
    with open(os.path.join(out_dir, "_portlens"), "w", encoding="utf-8") as f:
        f.write(zsh_script(root))


if __name__ == "__main__":
    main()
