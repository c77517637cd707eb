// `portlens audit`: a port policy (policy/) against a scan of its hosts, or, with --local,
// against this machine's listening sockets (--watch: keeps watching them). Exit codes for
// cron and CI, like ndiff: 0 no finding, 1 findings, 2 errors (130 after Ctrl-C of a scan).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addAuditCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
