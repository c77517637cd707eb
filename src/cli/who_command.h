// `portlens who PORT... [--format text|json] [-N NETNS]`: which processes hold each local
// port (listening or connected; TIME_WAIT sockets are listed without a process).
// Exit codes: 0 some port is held, 1 none of them is, 2 bad port or unknown service name.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addWhoCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
