// `portlens free [--range A-B] [--count N] [--format text|json] [-N NETNS]`: ports that can be
// bound now, outside the ephemeral range and ip_local_reserved_ports, with no IANA service
// name and no socket on them; each candidate is confirmed with a bind() probe (no packet).
// Ascending order, one a line. Exit codes: 0 found N, 1 found fewer, 2 bad input.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addFreeCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
