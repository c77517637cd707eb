// The server's scanning side: `serve --workers N` runs one scan worker (worker/worker.h) with N
// runner threads inside the process (N = 0: scanning is left to `portlens worker` processes),
// and, always, the completion sweeper: finished scans not yet completed (a monitor run's
// findings and alerts, monitor_completion.h) are completed here, whoever ran them, once a
// second and at once when an in-process runner finished a scan.
//
// Threads: start()/stop()/wake()/cancel() are called from the serve command and the HTTP
// threads. stop() is the graceful shutdown: running shards are told to stop, their records so
// far are committed and their leases released, so the next start (or another worker)
// continues them. A cancelled scan ends as `cancelled`.
// With `metrics`, each scan this process starts counts in portlens_scans_started_total, each
// it finishes in _finished_total{outcome}, its own probes in portlens_probes_sent_total, and a
// done scan's wall time in portlens_scan_duration_seconds (metrics/portlens_metrics.h).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/clock.h"
#include "metrics/portlens_metrics.h"
#include "store/scan_store.h"
#include "worker/worker.h"

namespace portlens::server {

class ServerLog;

// What the in-process runners share.
struct JobSettings {
  std::uint32_t probes_in_flight = 0;  // per shard; 0 = the launcher's default (fd-bounded)
  // Name targets given as addresses by their reverse names before the scan (small scans
  // only, within a deadline: net/reverse_names.h).
  bool reverse_dns = true;
  // Called after finished scans were completed (a monitor run's finding events committed):
  // serve wakes the alert dispatcher with it, so alerts leave without waiting for its next
  // poll. Empty = nothing.
  std::function<void()> after_finish;
  ServerLog* log = nullptr;  // scan start and end lines (server_log.h); none when null
  // The in-process worker's name in the workers table and its lease length.
  std::string worker_name = "serve";
  std::int64_t lease_ms = 15000;
  // The scan types these runners lease; empty = what the process may (connect, and SYN with
  // raw sockets). serve started with privileges splits them: its own runners take {kConnect},
  // its SYN runner process {kSyn} (cli/syn_runner.h, docs/deploy.md "Privilege model").
  std::set<scan::ScanType> scan_types{};
};

class JobRunner {
 public:
  // `workers` runner threads (0 = none). `clock` is handed to every store connection and
  // times the runs. `metrics`, when given, must outlive the runner.
  JobRunner(std::string db_path, unsigned workers, JobSettings settings, core::Clock& clock,
            metrics::PortlensMetrics* metrics = nullptr);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void start();
  void stop();
  // A scan was queued: a free runner looks at once instead of at its next poll.
  void wake();
  // Stops scan `id` if a runner here runs it; the store already says cancel_requested.
  void cancel(std::int64_t id);

 private:
  worker::WorkerOptions workerOptions(unsigned workers);
  void sweeperLoop();
  void scanStarted(const store::ScanRow& row);
  void shardEnded(const store::ScanRow& row, const worker::ShardEnd end,
                  const worker::ShardResult& result);

  std::string db_path_;
  JobSettings settings_;
  core::Clock& clock_;
  metrics::PortlensMetrics* metrics_;
  worker::Worker worker_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  bool sweep_now_ = false;
  std::thread sweeper_;
};

}  // namespace portlens::server
