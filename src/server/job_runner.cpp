#include "server/job_runner.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>

#include "server/monitor_completion.h"
#include "server/scan_job.h"
#include "server/server_log.h"
#include "store/scan_store.h"

namespace portlens::server {

JobRunner::JobRunner(std::string db_path, unsigned max_running, JobSettings settings,
                     core::Clock& clock, metrics::PortlensMetrics* metrics)
    : db_path_(std::move(db_path)),
      max_running_(max_running == 0 ? 1 : max_running),
      settings_(std::move(settings)),
      clock_(clock),
      metrics_(metrics) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::logScanEnd(const store::ScanRow& row, const JobResult& result, bool cancelled,
                           core::Clock::SteadyTime::duration took) {
  if (settings_.log == nullptr) return;
  std::string_view status = "done";
  if (result.outcome == JobOutcome::kFailed) status = "failed";
  if (result.outcome == JobOutcome::kStopped) status = cancelled ? "cancelled" : "interrupted";
  settings_.log->scanFinished(row.id, status, result.probes_sent,
                              std::chrono::duration_cast<std::chrono::milliseconds>(took),
                              result.error);
}

void JobRunner::start() {
  for (unsigned i = 0; i < max_running_; ++i) workers_.emplace_back([this] { workerLoop(); });
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (auto& [id, flag] : running_) flag->store(true);
  }
  wakeup_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

void JobRunner::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_count_;
  }
  wakeup_.notify_one();
}

void JobRunner::cancel(std::int64_t id) {
  std::lock_guard lock(mutex_);
  if (auto it = running_.find(id); it != running_.end()) {
    cancelled_[id] = true;
    it->second->store(true);
  }
}

void JobRunner::countRun(const store::ScanRow& row, const JobResult& result, bool cancelled,
                         core::Clock::SteadyTime started) {
  if (metrics_ == nullptr) return;
  std::string_view outcome = "done";
  if (result.outcome == JobOutcome::kFailed) outcome = "failed";
  if (result.outcome == JobOutcome::kStopped) outcome = cancelled ? "cancelled" : "interrupted";
  const auto mode = scan::toString(row.mode);
  metrics_->scans_finished.with({mode, outcome}).inc();
  // result.probes_sent includes earlier attempts of a resumed scan: count this run's own.
  if (result.probes_sent > row.probes_sent) {
    metrics_->probes_sent.with({mode}).inc(result.probes_sent - row.probes_sent);
  }
  if (outcome == "done") {
    const std::chrono::duration<double> elapsed = clock_.now() - started;
    metrics_->scan_duration.with({mode}).observe(elapsed.count());
  }
}

void JobRunner::workerLoop() {
  try {
    store::ScanStore store(db_path_, clock_);
    while (true) {
      std::uint64_t seen_wakes = 0;
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        seen_wakes = wake_count_;
      }
      auto row = store.claimNextQueued(settings_.scan_types);
      if (!row) {
        std::unique_lock lock(mutex_);
        // The queue is also polled once a second: another process (or a restart) may add.
        wakeup_.wait_for(lock, std::chrono::seconds(1),
                         [&] { return stopping_ || wake_count_ != seen_wakes; });
        continue;
      }
      auto flag = std::make_shared<std::atomic<bool>>(false);
      {
        std::lock_guard lock(mutex_);
        running_[row->id] = flag;
        if (stopping_) flag->store(true);
      }
      // A cancel that arrived between claim and registration is in the store.
      if (row->cancel_requested) flag->store(true);
      if (settings_.log != nullptr) {
        settings_.log->scanStarted(row->id, row->owner, scan::toString(row->mode),
                                   row->targets_text, row->ports_spec);
      }
      const auto started = clock_.now();
      if (metrics_ != nullptr) metrics_->scans_started.with({scan::toString(row->mode)}).inc();
      JobResult result = runScanJob(store, *row, settings_, *flag, clock_);
      bool cancelled = false;
      {
        std::lock_guard lock(mutex_);
        running_.erase(row->id);
        cancelled = cancelled_.erase(row->id) > 0;
      }
      if (!cancelled) {
        if (auto now = store.scan(row->id)) cancelled = now->cancel_requested;
      }
      // A monitor's run is finished with its findings in one transaction (monitor_completion).
      const auto& registry = registry::PortRegistry::builtin();
      switch (result.outcome) {
        case JobOutcome::kFinished:
          finishJob(store, *row, store::ScanStatus::kDone, "", result.probes_sent, registry);
          break;
        case JobOutcome::kFailed:
          finishJob(store, *row, store::ScanStatus::kFailed, result.error, result.probes_sent,
                    registry);
          break;
        case JobOutcome::kStopped:
          if (cancelled) {
            finishJob(store, *row, store::ScanStatus::kCancelled, "", result.probes_sent, registry);
          } else {
            store.requeueScan(row->id);  // shutdown: resumed on the next start
          }
          break;
      }
      countRun(*row, result, cancelled, started);
      if (settings_.after_finish) settings_.after_finish();
      logScanEnd(*row, result, cancelled, clock_.now() - started);
    }
  } catch (const std::exception& e) {
    // The store itself failed (disk full, database removed): the server keeps answering
    // reads, and the operator sees why no scan progresses.
    fmt::print(stderr, "portlens serve: job worker stopped: {}\n", e.what());
  }
}

}  // namespace portlens::server
