#include "cli/serve_command.h"

#include <fmt/core.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "alerts/dispatcher.h"
#include "cli/serve_privileges.h"
#include "cli/signals.h"
#include "cli/syn_runner.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/host_name.h"
#include "metrics/portlens_metrics.h"
#include "net/resolver.h"
#include "server/api_routes.h"
#include "server/http_server.h"
#include "server/job_runner.h"
#include "server/monitor_scheduler.h"
#include "server/server_config.h"
#include "server/server_log.h"
#include "server/store_pool.h"
#include "store/database.h"
#include "store/monitor_store.h"
#include "store/scan_store.h"
#include "store/shard_store.h"

namespace portlens::cli {
namespace {

bool fileExists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

// One log line that says what the web process gave up (docs/deploy.md, "Privilege model").
// `runner` 0: no SYN runner (--workers 0: scans are left to `portlens worker` processes).
std::string droppedLine(const PrivilegePlan& plan, pid_t runner) {
  std::string who = plan.start == PrivilegeStart::kRoot
                        ? fmt::format("root -> user {} (uid {})", plan.user.name, plan.user.uid)
                        : fmt::format("uid {}", ::getuid());
  return fmt::format(
      "privileges dropped: web process {}, every capability cleared, no_new_privs; {}", who,
      runner > 0 ? fmt::format("SYN scans run in process {} with CAP_NET_RAW only", runner)
                 : std::string("no scan runs in this process (--workers 0)"));
}

}  // namespace

// Probes in flight per running scan: the engine's default, split so that every running scan
// plus the HTTP connections fit under the open-file limit.
std::uint32_t probesPerScan(unsigned running_scans) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const std::uint64_t fds = limit.rlim_cur > 2048 ? limit.rlim_cur - 1024 : 512;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(4096, fds / running_scans));
}

namespace {

// The API accepts SYN scans while a live SYN-capable worker is registered (server/syn_runners.h);
// the SYN runner process registers a moment after it starts. Waiting for it (up to 5 s) before
// the first request means a SYN scan sent right after start-up is not refused.
void awaitSynRunner(const std::string& db, core::Clock& clock, server::ServerLog& log) {
  const auto deadline = clock.now() + std::chrono::seconds(5);
  try {
    store::ScanStore store(db, clock);
    store::ShardStore shards(store);
    while (!shards.liveWorkerCan(scan::ScanType::kSyn)) {
      if (clock.now() >= deadline) {
        log.event("warning",
                  "the SYN runner has not registered after 5 s; SYN scans are refused "
                  "until it does");
        return;
      }
      clock.sleepFor(std::chrono::milliseconds(20));
    }
  } catch (const store::StoreError& e) {
    log.event("warning", std::string("waiting for the SYN runner: ") + e.what());
  }
}

void runServe(const server::ServerConfig& config, CommandContext& context) {
  core::SystemClock clock;  // the server's one clock (core/clock.h), shared by every part
  // Root (or CAP_NET_RAW): SYN scans go to a runner process, this one drops everything
  // before it accepts a connection (serve_privileges.h). Decided before the store is opened,
  // so a database serve creates as root can be given to the user.
  const PrivilegePlan plan = planPrivileges(config.user);
  const bool db_created = !fileExists(config.db);
  // A PostgreSQL store has no file or folder for the user to write (as for `worker`).
  const bool file_db_as_root =
      plan.start == PrivilegeStart::kRoot && !store::isPostgresUrl(config.db);
  if (file_db_as_root) checkDatabaseFolder(config.db, plan.user);
  // Opens (creates, migrates) the database before anything else. Scans left running by a
  // stopped server are not requeued here: their shards' leases run out (or were released)
  // and any worker continues them.
  try {
    store::ScanStore store(config.db, clock);
  } catch (const store::StoreError& e) {
    throw std::system_error(EIO, std::generic_category(), e.what());
  }
  if (file_db_as_root) prepareDatabaseFor(config.db, plan.user, db_created);
  // Started before any thread exists here (fork), and before the listener is bound, so the
  // runner inherits neither; it takes the SYN scans, serve's own runners the connect ones.
  // --workers 0: this process scans nothing, SYN shards are left to `portlens worker`s too.
  std::optional<SynRunnerProcess> syn_runner;
  if (plan.split() && config.inProcessWorkers() > 0) {
    syn_runner.emplace(SynRunnerOptions{
        config.db, plan.user.name, config.max_running_scans, config.reverse_dns,
        config.log_format == server::LogFormat::kJson ? "json" : "text", ::getpid(),
        "serve@" + core::localHostName() + "/" + config.listen + "/syn", config.worker_lease_ms});
  }
  const auto& registry = registry::PortRegistry::builtin();
  // GET /metrics (docs/metrics.md): one registry for the whole server, no globals.
  metrics::Registry metrics_registry;
  metrics::PortlensMetrics metrics(metrics_registry, PORTLENS_VERSION);
  // [metrics] enabled = false: no endpoint and nothing counted (also the A/B of bench/metrics.sh).
  metrics::PortlensMetrics* counting = config.metrics.enabled ? &metrics : nullptr;
  server::ServerLog log(config.log_format, clock);
  // Monitors' finding events go out through the outbox (alerts/dispatcher.h); deliveries a
  // stopped or crashed server left pending are sent when it starts again. A finished job
  // wakes it, so a run's alerts do not wait for its next poll.
  alerts::NetworkDeliverer deliverer;
  alerts::AlertDispatcher alert_dispatcher(config.db, deliverer, clock, {}, counting);
  const unsigned runners = config.inProcessWorkers();
  server::JobSettings job_settings{probesPerScan(std::max(runners, 1U)), config.reverse_dns,
                                   [&alert_dispatcher] { alert_dispatcher.wake(); }};
  job_settings.log = &log;
  // One name per serve process and listen address: a restarted server re-registers it and
  // so releases the leases its previous run still held (store/shard_store.h).
  job_settings.worker_name = "serve@" + core::localHostName() + "/" + config.listen;
  job_settings.lease_ms = config.worker_lease_ms;
  // Split: SYN shards go to the runner process (a worker with capability syn only).
  if (plan.split()) job_settings.scan_types = {scan::ScanType::kConnect};
  server::JobRunner jobs(config.db, runners, job_settings, clock, counting);
  server::StorePool pool(config.db, clock);
  auto queue_depth =
      metrics::registerScanQueueDepth(metrics_registry, [&pool](metrics::GaugeSink& sink) {
        const auto depth = pool.take()->queueDepth();
        sink.add({"queued"}, static_cast<double>(depth.queued));
        sink.add({"running"}, static_cast<double>(depth.running));
      });
  auto open_findings =
      metrics::registerOpenFindings(metrics_registry, [&pool](metrics::GaugeSink& sink) {
        auto store = pool.take();
        for (const auto& row : store::MonitorStore(*store).openFindingCounts()) {
          sink.add({row.kind, row.monitor}, static_cast<double>(row.count));
        }
      });
  server::ApiRoutes routes(config, pool, jobs, registry, clock);
  server::HttpServer http(config, routes, pool, registry, clock, log, counting);
  std::string url;
  try {
    url = http.bind();
  } catch (const std::system_error& e) {
    throw std::system_error(e.code(), "cannot listen on " + config.listen);
  } catch (const std::runtime_error& e) {
    throw core::UsageError(e.what());  // the TLS certificate or key
  } catch (const std::exception& e) {
    throw core::UsageError("cannot listen on " + config.listen + ": " + e.what());
  }
  // Bound (a port below 1024 needed root) and the TLS pair read: nothing below needs a
  // privilege. Still one thread, so every capability set goes with it.
  if (plan.split()) {
    net::dropEverything(plan.start == PrivilegeStart::kRoot ? &plan.user : nullptr);
    log.event("info", droppedLine(plan, syn_runner ? syn_runner->pid() : 0));
  }
  // Block SIGINT/SIGTERM before any thread starts, so only the signal thread receives them.
  StopSignal stop;
  fmt::print("portlens serve: listening on {}\n", url);
  std::fflush(stdout);
  // Monitors' runs go into the same queue as everyone's scans (monitor_scheduler.h).
  server::MonitorScheduler monitors(
      config, clock, net::resolveHostname, [&jobs] { jobs.wake(); },
      [&routes](target_policy::TargetPolicy& policy, const std::string& owner) {
        routes.restrictToVerified(policy, owner);
      });
  if (syn_runner) awaitSynRunner(config.db, clock, log);
  jobs.start();
  monitors.start();
  alert_dispatcher.start();
  // The scans stop when the signal comes, beside the HTTP server's drain (half a second for
  // the requests in flight, which may still queue or cancel a scan: the store keeps it), not
  // after it: they went on probing for 0.6-1.4 s after SIGTERM.
  std::atomic<bool> served{false};
  std::thread stop_scans([&] {
    while (!stop.flag().load() && !served.load()) clock.sleepFor(std::chrono::milliseconds(50));
    // The SYN runner first: its running scans go back to the queue before serve's runner
    // requeues whatever is still marked running.
    if (syn_runner) syn_runner->stop();
    monitors.stop();
    jobs.stop();
    alert_dispatcher.stop();
  });
  std::exception_ptr failed;
  try {
    http.run(stop.flag());
  } catch (...) {
    failed = std::current_exception();
  }
  served = true;
  stop_scans.join();
  if (failed) std::rethrow_exception(failed);
  fmt::print(stderr, "portlens serve: stopped\n");
  context.exit_code = core::kExitOk;
}

}  // namespace

server::ServerConfig buildServeConfig(const ServeOptions& options) {
  server::ServerConfig config;
  if (!options.config_file.empty()) {
    std::ifstream in(options.config_file);
    if (!in) throw core::UsageError("cannot read config file '" + options.config_file + "'");
    std::stringstream text;
    text << in.rdbuf();
    try {
      server::applyConfigText(config, text.str());
    } catch (const std::invalid_argument& e) {
      throw core::UsageError(options.config_file + ": " + e.what());
    }
  }
  // Options on the command line win over the file.
  if (!options.listen.empty()) config.listen = options.listen;
  if (!options.db.empty()) config.db = options.db;
  if (options.workers >= 0) config.workers = options.workers;
  if (!options.user.empty()) config.user = options.user;
  config.log_format = *server::parseLogFormat(options.log_format);  // CLI11 checked the value
  try {
    server::splitListen(config.listen);
  } catch (const std::invalid_argument& e) {
    throw core::UsageError(e.what());
  }
  return config;
}

void addServeOptions(CLI::App& command, ServeOptions& options) {
  command.add_option("--listen", options.listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  command.add_option("--db", options.db,
                     "SQLite database file (default portlens.db) or postgresql:// URL");
  command.add_option("--config", options.config_file, "Config file (portlens.toml)");
  command
      .add_option("--workers", options.workers,
                  "Scan runners in this process (default max_running_scans; 0 = none: "
                  "scans are run by `portlens worker` processes)")
      ->check(CLI::Range(0, 1024));
  command.add_option("--user", options.user,
                     "Started as root: the account to become (default portlens, else nobody)");
  command.add_option("--log-format", options.log_format, "Log lines on stderr: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void addServeCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the web service: page, REST API, scan queue");
  addServeOptions(*cmd, *options);
  cmd->callback([options, &context] { runServe(buildServeConfig(*options), context); });
}

}  // namespace portlens::cli
