// serve's SYN runner: when `portlens serve` starts as root (or with CAP_NET_RAW from systemd),
// the web process must hold no privilege, yet SYN scans need raw sockets. So before anything
// else, serve starts this runner as a separate process (fork + exec of /proc/self/exe with the
// hidden subcommand `syn-runner`), which becomes the unprivileged user keeping CAP_NET_RAW
// only, and runs the server's own job-runner code (server/job_runner.h) restricted to SYN
// scans. The store is the queue between the two: serve queues, the runner claims, runs and
// writes results, serve reads them. Cancels reach the runner through the store too
// (cancel_requested, polled every 250 ms). See docs/deploy.md, "Privilege model".
//
// Why exec rather than a bare fork: the runner starts from a fresh image, so nothing serve
// read or built (config, tokens, TLS key, OpenSSL or Asio state) is in its memory, and a
// thread some library starts before the fork cannot leave a lock held in the child.
//
// Lifetime: the runner dies with serve (PR_SET_PDEATHSIG, set again after its uid change,
// which clears it) and stops gracefully on SIGTERM (running scans go back to the queue).
#pragma once

#include <sys/types.h>

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_context.h"

namespace portlens::cli {

struct SynRunnerOptions {
  std::string db;
  std::string user;  // root start: the account to become; empty: stay the current user
  unsigned max_running = 2;
  bool reverse_dns = true;
  std::string log_format = "text";
  pid_t parent = 0;                // serve's pid: the runner exits if it is no longer its parent
  std::string name = "serve-syn";  // its name in the workers table (GET /api/v1/workers)
  std::int64_t lease_ms = 15000;   // its shards' lease length (config worker_lease_ms)
};

// The child process. Start it before any thread exists in serve (fork). Throws
// std::system_error when fork fails.
class SynRunnerProcess {
 public:
  explicit SynRunnerProcess(const SynRunnerOptions& options);
  ~SynRunnerProcess();
  SynRunnerProcess(const SynRunnerProcess&) = delete;
  SynRunnerProcess& operator=(const SynRunnerProcess&) = delete;

  pid_t pid() const { return pid_; }
  // SIGTERM, then up to 10 s for running scans to go back to the queue, then SIGKILL.
  void stop();

 private:
  pid_t pid_ = -1;
};

// The hidden `portlens syn-runner` subcommand (not in --help): only serve starts it.
void addSynRunnerCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
