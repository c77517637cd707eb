// `portlens scan`: registers the subcommand, its options and the callback that runs a scan.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addScanCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
