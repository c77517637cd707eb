// `portlens policy check FILE` (validate a port policy: exit 0, or 2 with FILE:LINE:COL and
// the error) and `portlens policy init (--from FILE... | --local) [-o FILE]` (a draft policy
// listing every open port or listener, owner and purpose left for a person).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addPolicyCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
