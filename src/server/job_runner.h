// The job workers: `max_running` threads that take queued scans from the store (the
// persistent queue) and run them (scan_job.h). Each worker owns its own store connection.
//
// Threads: start()/stop()/wake()/cancel() are called from the serve command and the HTTP
// threads; everything else runs on the workers. stop() is the graceful shutdown: running
// scans are told to stop, their records so far are committed, and they go back to `queued`
// so the next start resumes them. A cancelled scan ends as `cancelled`.
// With `metrics`, each run counts in portlens_scans_started_total / _finished_total{outcome},
// its own probes in portlens_probes_sent_total, and a done run's wall time in
// portlens_scan_duration_seconds (metrics/portlens_metrics.h).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "metrics/portlens_metrics.h"
#include "server/scan_job.h"

namespace portlens::server {

class JobRunner {
 public:
  // `clock` is handed to every job and store connection and times the runs. `metrics`, when
  // given, must outlive the runner.
  JobRunner(std::string db_path, unsigned max_running, JobSettings settings, core::Clock& clock,
            metrics::PortlensMetrics* metrics = nullptr);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void start();
  void stop();
  // A scan was queued: a free worker looks at once instead of at its next poll.
  void wake();
  // Stops scan `id` if a worker runs it; the store already says cancel_requested.
  void cancel(std::int64_t id);

 private:
  void workerLoop();
  // One connection's life: false when it was lost (reconnect), true when done.
  bool workerPass();
  // The run's outcome as the switch after it finished the scan: done, failed, cancelled or
  // interrupted (stopped without a cancel: the scan went back to the queue).
  void countRun(const store::ScanRow& row, const JobResult& result, bool cancelled,
                core::Clock::SteadyTime started);
  void logScanEnd(const store::ScanRow& row, const JobResult& result, bool cancelled,
                  core::Clock::SteadyTime::duration took);

  std::string db_path_;
  unsigned max_running_;
  JobSettings settings_;
  core::Clock& clock_;
  metrics::PortlensMetrics* metrics_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::uint64_t wake_count_ = 0;
  std::map<std::int64_t, std::shared_ptr<std::atomic<bool>>> running_;  // id -> stop flag
  std::map<std::int64_t, bool> cancelled_;
  std::vector<std::thread> workers_;
};

}  // namespace portlens::server
