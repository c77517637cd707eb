// `portlens serve [--listen 127.0.0.1:8080] [--db portlens.db] [--config portlens.toml]
// [--log-format text|json] [--workers N] [--user NAME]`: the web service (page, REST API, live
// events, job queue), one log line per request and scan on stderr. Prints the URL it serves on
// stdout once it listens. `--workers N` runs N scan runners in the process (default the config's
// `workers`, else max_running_scans); 0 leaves scanning to `portlens worker`. SIGINT/SIGTERM stop
// it gracefully: the listener closes, running shards commit what they found and release their
// leases, and the next start (or any worker) continues them. Exit codes: 0 after a clean stop; 2
// for a bad option or config file; 3 when the listen address or the database cannot be opened.
// Parsing is apart from running: addServeOptions + buildServeConfig read the command line without
// running anything (tests/unit/cli).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_context.h"
#include "server/server_config.h"

namespace portlens::cli {

struct ServeOptions {
  std::string listen;
  std::string db;
  std::string config_file;
  std::string log_format = "text";
  int workers = -1;  // --workers: in-process scan runners; -1 = the config's
  std::string user;  // started as root: the account to become (config key `user`)
};
void addServeOptions(CLI::App& command, ServeOptions& options);
// The config file (when given; it is read here) with the options over it. Throws
// core::UsageError for an unreadable or bad file and a bad listen address.
server::ServerConfig buildServeConfig(const ServeOptions& options);

void addServeCommand(CLI::App& app, CommandContext& context);

// Probes in flight per running scan: the engine's default split so that `running_scans` scans
// and the HTTP connections fit under the open-file limit (which it raises to the hard limit).
// Shared with the SYN runner (syn_runner.h).
std::uint32_t probesPerScan(unsigned running_scans);

}  // namespace portlens::cli
