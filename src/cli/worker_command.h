// `portlens worker [--db portlens.db] [--name NAME] [--max-scans N] [--lease-ms MS]
// [--connect-only] [--user NAME]`: a scan worker (worker/worker.h). It registers in the database,
// leases shards of queued scans, runs them and stores their records, until SIGINT/SIGTERM: then the
// running shards stop, what they found is committed and their leases are released, so another
// worker continues at once (a killed worker's leases run out after --lease-ms instead).
// Capabilities: connect always; syn when it may open raw sockets (root or CAP_NET_RAW) and
// --connect-only is not given. Started so, it becomes --user (root start) and keeps
// CAP_NET_RAW only, effective just while a shard opens its sockets (--connect-only: nothing).
// --max-scans shards run at once (default 2). --name defaults to HOST-PID; names are unique: a
// worker that starts with a name re-registers it and releases the leases that name still held. Exit
// codes: 0 after a clean stop; 2 for a bad option; 3 when the database cannot be opened. Parsing is
// apart from running: addWorkerOptions + buildWorkerOptions read the command line without running
// anything.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/command_context.h"
#include "worker/worker.h"

namespace portlens::cli {

struct WorkerCommandOptions {
  std::string db = "portlens.db";
  std::string name;  // "" = HOST-PID
  // Shards run at once, as many as serve's in-process runners by default (max_running_scans):
  // one runner stores a shard's last records while the other probes, so the scanner does not
  // idle while the database works (one runner took 1.5x the time of two on PostgreSQL).
  unsigned max_scans = 2;
  std::int64_t lease_ms = 15000;
  bool connect_only = false;
  std::string user;  // started as root: the account to become ("" = portlens, else nobody)
};
void addWorkerOptions(CLI::App& command, WorkerCommandOptions& options);
// The worker's options; `raw_sockets` says whether this process may open raw sockets.
// Throws core::UsageError for a bad --name.
worker::WorkerOptions buildWorkerOptions(const WorkerCommandOptions& options, bool raw_sockets);

void addWorkerCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
