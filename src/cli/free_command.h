// `portlens free [--range A-B] [--count N] [--format text|json] [-N NETNS]`: ports that can be
// bound now, outside the ephemeral range and ip_local_reserved_ports, with no IANA service
// name and no socket on them; each candidate is confirmed with a bind() probe (no packet).
// Ascending order, one a line. Exit codes: 0 found N, 1 found fewer, 2 bad input.
// Parsing is apart from running: addFreeOptions + buildFreeRequest read the command line without
// any I/O (tests/unit/cli).
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/command_context.h"

namespace portlens::cli {

struct FreeOptions {
  std::string range = "1024-65535";
  std::size_t count = 1;
  std::string format = "text";
  std::string netns;
};
struct FreeRequest {
  std::uint16_t first = 1024;
  std::uint16_t last = 65535;
  std::size_t count = 1;
  bool json = false;
  std::string netns;
};
void addFreeOptions(CLI::App& command, FreeOptions& options);
// Throws core::UsageError naming a bad --range or --count.
FreeRequest buildFreeRequest(const FreeOptions& options);

void addFreeCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
