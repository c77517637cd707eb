// `portlens serve [--listen 127.0.0.1:8080] [--db portlens.db] [--config portlens.toml]`:
// the web service (page, REST API, live events, job queue). Prints the URL it serves on
// stdout once it listens. SIGINT/SIGTERM stop it gracefully: the listener closes, running
// scans commit what they found and go back to the queue, and the next start resumes them.
// Exit codes: 0 after a clean stop; 2 for a bad option or config file; 3 when the listen
// address or the database cannot be opened.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addServeCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
