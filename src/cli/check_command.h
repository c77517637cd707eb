// `portlens check PORT... [--format text|json] [-N NETNS]`: for deployment scripts, whether
// each port can be bound now; a conflict names who holds the port. Also says when a port
// lies in the ephemeral range (an outgoing connection may take it at any time) or is reserved.
// Exit codes: 0 every port free, 1 some port in use (or not bindable), 2 bad input.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addCheckCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
