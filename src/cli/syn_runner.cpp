#include "cli/syn_runner.h"

#include <fmt/core.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <memory>
#include <system_error>
#include <vector>

#include "cli/serve_command.h"
#include "cli/signals.h"
#include "core/clock.h"
#include "core/error.h"
#include "net/privileges.h"
#include "server/job_runner.h"
#include "server/server_log.h"
#include "store/scan_store.h"

namespace portlens::cli {
namespace {

constexpr auto kStopPoll = std::chrono::milliseconds(100);
constexpr auto kStopGrace = std::chrono::seconds(10);

void runSynRunner(const SynRunnerOptions& options, CommandContext& context) {
  // Privileges first, on the only thread: per-thread capability sets are then inherited by
  // every job thread.
  if (::geteuid() == 0) {
    const net::ServiceUser user = net::lookupServiceUser(options.user);
    net::keepOnlyRawSockets(&user);
  } else {
    net::keepOnlyRawSockets(nullptr);
  }
  // The uid change cleared any parent-death signal: set it now, then make sure serve did not
  // die before it was set (we would have been re-parented).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (options.parent != 0 && ::getppid() != options.parent) {
    context.exit_code = core::kExitOk;
    return;
  }
  StopSignal stop;
  core::SystemClock clock;
  server::ServerLog log(*server::parseLogFormat(options.log_format), clock);
  server::JobSettings settings{probesPerScan(options.max_running), options.reverse_dns, {}};
  settings.log = &log;
  // A worker that leases SYN shards only (serve's own runners take the connect ones); a cancel
  // from the API reaches it through the store, at its next heartbeat (worker/worker.h).
  settings.scan_types = {scan::ScanType::kSyn};
  settings.worker_name = options.name;
  settings.lease_ms = options.lease_ms;
  server::JobRunner jobs(options.db, options.max_running, settings, clock);
  jobs.start();
  while (!stop.flag().load()) clock.sleepFor(kStopPoll);
  jobs.stop();
  context.exit_code = core::kExitOk;
}

}  // namespace

SynRunnerProcess::SynRunnerProcess(const SynRunnerOptions& options) {
  // Everything the child needs is built before fork: it only calls async-signal-safe
  // functions (prctl, execv, _exit) before exec.
  std::vector<std::string> args = {"portlens",      "syn-runner",
                                   "--db",          options.db,
                                   "--user",        options.user,
                                   "--max-running", std::to_string(options.max_running),
                                   "--reverse-dns", options.reverse_dns ? "true" : "false",
                                   "--log-format",  options.log_format,
                                   "--parent",      std::to_string(::getpid()),
                                   "--name",        options.name,
                                   "--lease-ms",    std::to_string(options.lease_ms)};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork (SYN runner)");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
}

SynRunnerProcess::~SynRunnerProcess() { stop(); }

void SynRunnerProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  core::SystemClock clock;
  const auto deadline = clock.now() + kStopGrace;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (clock.now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    clock.sleepFor(std::chrono::milliseconds(50));
  }
  pid_ = -1;
}

void addSynRunnerCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<SynRunnerOptions>();
  CLI::App* cmd = app.add_subcommand("syn-runner", "serve's SYN scan runner (internal)");
  cmd->group("");  // hidden: only serve starts it
  cmd->add_option("--db", options->db)->required();
  cmd->add_option("--user", options->user);
  cmd->add_option("--max-running", options->max_running)->check(CLI::Range(1U, 1024U));
  cmd->add_option("--reverse-dns", options->reverse_dns);
  cmd->add_option("--log-format", options->log_format)->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--parent", options->parent);
  cmd->add_option("--name", options->name);
  cmd->add_option("--lease-ms", options->lease_ms)->check(CLI::Range(300, 3600000));
  cmd->callback([options, &context] { runSynRunner(*options, context); });
}

}  // namespace portlens::cli
