// `portlens diff A B`: two scan result files (NDJSON, JSON or nmap XML, any mix) compared
// port by port with the server's diff (server/scan_diff.h): opened, closed, changed. Exit
// codes like ndiff: 0 same, 1 different, 2 errors.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addDiffCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
