// `portlens token create --name N [--allow CIDR,...] [--admin] [--db portlens.db]`: makes
// an API token, prints it once on stdout (only its SHA-256 is stored) and exits.
// --allow opens special ranges (private, lab, ...) to this token's scans; --admin lets it
// see every scan. Exit codes: 0; 2 for a bad CIDR or a name already taken; 3 when the
// database cannot be written.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addTokenCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
