#include "cli/worker_command.h"

#include <fmt/core.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <system_error>

#include "cli/serve_privileges.h"
#include "cli/signals.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/host_name.h"
#include "net/privileges.h"
#include "store/database.h"
#include "store/scan_store.h"

namespace portlens::cli {
namespace {

void logShardEnd(const std::string& name, const store::ScanRow& row, const store::Lease& lease,
                 worker::ShardEnd end, const worker::ShardResult& result) {
  fmt::print(stderr, "portlens worker {}: scan {} shard {}/{} {} ({} probes in {} ms){}{}\n", name,
             row.id, lease.shard_index + 1, lease.shard_count, worker::toString(end),
             result.probes_sent, result.elapsed.count(), result.error.empty() ? "" : ": ",
             result.error);
}

// Started as root or with CAP_NET_RAW, the worker keeps CAP_NET_RAW only, in its permitted set
// (raised around opening a SYN shard's sockets, worker/shard_job), as `user`; with
// --connect-only it keeps nothing. Before any thread exists (capabilities are per thread).
// Returns whether it may run SYN shards.
bool dropToWorkerPrivileges(const WorkerCommandOptions& options) {
  const PrivilegePlan plan = planPrivileges(options.user);
  if (!plan.split()) return false;
  const net::ServiceUser* user = plan.start == PrivilegeStart::kRoot ? &plan.user : nullptr;
  if (user != nullptr) checkDatabaseFolder(options.db, *user);
  if (options.connect_only) {
    net::dropEverything(user);
    return false;
  }
  net::keepOnlyRawSockets(user);
  return true;
}

// Until SIGINT/SIGTERM. (On PostgreSQL the worker itself listens for queued shards:
// worker/worker.h.)
void waitForStop(StopSignal& stop, core::Clock& clock) {
  constexpr std::chrono::milliseconds kTick{100};
  while (!stop.flag().load()) clock.sleepFor(kTick);
}

void runWorker(const WorkerCommandOptions& options, CommandContext& context) {
  const bool raw_sockets = dropToWorkerPrivileges(options);
  // Block SIGINT/SIGTERM before any thread starts, so only the signal thread receives them.
  StopSignal stop;
  core::SystemClock clock;
  auto worker_options = buildWorkerOptions(options, raw_sockets);
  const std::string name = worker_options.info.name;
  const std::string capabilities = worker_options.info.capabilities.toString();
  worker_options.on_shard_end = [name](const store::ScanRow& row, const store::Lease& lease,
                                       worker::ShardEnd end, const worker::ShardResult& result) {
    logShardEnd(name, row, lease, end, result);
  };
  worker::Worker worker(options.db, std::move(worker_options), clock);
  try {
    if (const int released = worker.start(); released > 0) {
      fmt::print(stderr, "portlens worker {}: {} interrupted shard(s) queued again to resume\n",
                 name, released);
    }
  } catch (const store::StoreError& e) {
    throw std::system_error(EIO, std::generic_category(), e.what());
  }
  fmt::print(stderr, "portlens worker {}: running ({}), {} shard(s) at once, lease {} ms\n", name,
             capabilities, options.max_scans, options.lease_ms);
  waitForStop(stop, clock);
  worker.stop();
  fmt::print(stderr, "portlens worker {}: stopped\n", name);
  context.exit_code = core::kExitOk;
}

}  // namespace

worker::WorkerOptions buildWorkerOptions(const WorkerCommandOptions& options, bool raw_sockets) {
  if (options.name.size() > 128) throw core::UsageError("--name must be at most 128 characters");
  worker::WorkerOptions out;
  out.info.name =
      options.name.empty() ? core::localHostName() + "-" + std::to_string(getpid()) : options.name;
  out.info.address = core::localHostName();
  out.info.capabilities.syn = raw_sockets && !options.connect_only;
  out.info.lease_ms = options.lease_ms;
  out.max_scans = options.max_scans;
  return out;
}

void addWorkerOptions(CLI::App& command, WorkerCommandOptions& options) {
  command.add_option("--db", options.db, "SQLite database file or postgresql:// URL")
      ->capture_default_str();
  command.add_option("--name", options.name, "Name in the workers list (default HOST-PID)")
      ->check([](const std::string& v) { return v.empty() ? "must not be empty" : ""; });
  command.add_option("--max-scans", options.max_scans, "Shards run at once")
      ->check(CLI::Range(1U, 64U))
      ->capture_default_str();
  command
      .add_option("--lease-ms", options.lease_ms,
                  "Lease length: a killed worker's shards are taken over after it")
      ->check(CLI::Range(std::int64_t{300}, std::int64_t{3'600'000}))
      ->capture_default_str();
  command.add_flag("--connect-only", options.connect_only,
                   "Take connect scans only, even with raw sockets");
  command.add_option("--user", options.user,
                     "Started as root: the account to become (default portlens, else nobody)");
}

void addWorkerCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<WorkerCommandOptions>();
  CLI::App* cmd = app.add_subcommand("worker", "Run scans of a shared database's queue");
  addWorkerOptions(*cmd, *options);
  cmd->callback([options, &context] { runWorker(*options, context); });
}

}  // namespace portlens::cli
