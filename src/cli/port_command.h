// `portlens port PORT-OR-NAME...`: explains TCP ports (IANA names, range category, whether the
// kernel may use the port as a source port, top-ports rank) as text or JSON.
// Exit codes, through CommandContext::exit_code or core::UsageError:
//   0  every argument explained
//   1  some name is unknown to IANA (one line per name on stderr; the rest still print)
//   2  an argument is neither a port 0-65535 nor a service name (UsageError; nothing printed)
// The only I/O outside stdout/stderr is reading /proc/sys/net/ipv4/ip_local_port_range;
// when it cannot be read the explanation says the range is unknown.
// Parsing is apart from running: addPortOptions + buildPortRequest read the command line
// without running anything (tests/unit/cli).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command_context.h"
#include "registry/port_query.h"

namespace portlens::cli {

struct PortOptions {
  std::vector<std::string> tokens;
  std::string format = "text";
};
struct PortRequest {
  std::vector<registry::PortQuery> queries;  // one per argument, in order
  bool json = false;
};
void addPortOptions(CLI::App& command, PortOptions& options);
// Throws core::UsageError naming an argument that is neither a port nor a name.
PortRequest buildPortRequest(const PortOptions& options);

void addPortCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
