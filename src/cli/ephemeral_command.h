// `portlens ephemeral [--top N] [--format text|json] [-N NETNS]`: the ephemeral port range and
// reserved ports (sysctl), how many ports connections hold in total and per destination
// (TIME_WAIT counted), and warnings when a destination approaches exhaustion.
// Exit codes: 0 (also with warnings), 2 bad input, 3 table unreadable.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addEphemeralCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
