// `portlens ephemeral [--top N] [--format text|json] [-N NETNS]`: the ephemeral port range and
// reserved ports (sysctl), how many ports connections hold in total and per destination
// (TIME_WAIT counted), and warnings when a destination approaches exhaustion.
// Exit codes: 0 (also with warnings), 2 bad input, 3 table unreadable.
// Parsing is apart from running: addEphemeralOptions + buildEphemeralRequest read the command line
// without any I/O (tests/unit/cli).
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

#include "cli/command_context.h"

namespace portlens::cli {

struct EphemeralOptions {
  std::size_t top = 10;
  std::string format = "text";
  std::string netns;
};
struct EphemeralRequest {
  std::size_t top = 10;  // destinations listed
  bool json = false;
  std::string netns;
};
void addEphemeralOptions(CLI::App& command, EphemeralOptions& options);
EphemeralRequest buildEphemeralRequest(const EphemeralOptions& options);

void addEphemeralCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
