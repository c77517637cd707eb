#include "server/job_runner.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "net/privileges.h"
#include "server/monitor_completion.h"
#include "server/server_log.h"

namespace portlens::server {
namespace {

std::int64_t wallMs(core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wallNow().time_since_epoch())
      .count();
}

}  // namespace

worker::WorkerOptions JobRunner::workerOptions(unsigned workers) {
  const JobSettings& settings = settings_;
  worker::WorkerOptions options;
  options.info.name = settings.worker_name;
  options.info.address = "serve";
  // As the server may: connect always, SYN when it holds raw sockets; or what serve's privilege
  // split gave these runners (its SYN runner process holds CAP_NET_RAW permitted, raised only
  // around opening sockets, so it is told rather than asked).
  const auto& types = settings.scan_types;
  options.info.capabilities.connect = types.empty() || types.contains(scan::ScanType::kConnect);
  options.info.capabilities.syn =
      types.empty() ? net::canOpenRawSockets() : types.contains(scan::ScanType::kSyn);
  options.info.lease_ms = settings.lease_ms;
  options.max_scans = workers;
  options.run = {settings.probes_in_flight, settings.reverse_dns};
  options.on_scan_started = [this](const store::ScanRow& row) { scanStarted(row); };
  options.on_shard_end = [this](const store::ScanRow& row, const store::Lease&,
                                worker::ShardEnd end, const worker::ShardResult& result) {
    shardEnded(row, end, result);
  };
  return options;
}

JobRunner::JobRunner(std::string db_path, unsigned workers, JobSettings settings,
                     core::Clock& clock, metrics::PortlensMetrics* metrics)
    : db_path_(std::move(db_path)),
      settings_(std::move(settings)),
      clock_(clock),
      metrics_(metrics),
      worker_(db_path_, workerOptions(workers), clock) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::scanStarted(const store::ScanRow& row) {
  if (settings_.log != nullptr) {
    settings_.log->scanStarted(row.id, row.owner, scan::toString(row.mode), row.targets_text,
                               row.ports_spec);
  }
  if (metrics_ != nullptr) metrics_->scans_started.with({scan::toString(row.mode)}).inc();
}

void JobRunner::shardEnded(const store::ScanRow& row, const worker::ShardEnd end,
                           const worker::ShardResult& result) {
  const auto mode = scan::toString(row.mode);
  if (metrics_ != nullptr && result.probes_sent > 0) {
    metrics_->probes_sent.with({mode}).inc(result.probes_sent);
  }
  std::string_view outcome;
  switch (end) {
    case worker::ShardEnd::kScanDone:
      outcome = "done";
      break;
    case worker::ShardEnd::kFailed:
      outcome = "failed";
      break;
    case worker::ShardEnd::kCancelled:
      outcome = "cancelled";
      break;
    case worker::ShardEnd::kReleased:
      outcome = "interrupted";
      break;
    case worker::ShardEnd::kShardDone:
    case worker::ShardEnd::kLost:
      return;  // the scan goes on
  }
  const auto now = wallMs(clock_);
  const auto took = std::chrono::milliseconds(row.started_ms > 0 ? now - row.started_ms : 0);
  if (metrics_ != nullptr) {
    metrics_->scans_finished.with({mode, outcome}).inc();
    if (outcome == "done") {
      metrics_->scan_duration.with({mode}).observe(std::chrono::duration<double>(took).count());
    }
  }
  if (settings_.log != nullptr) {
    settings_.log->scanFinished(row.id, outcome, result.probes_sent, took, result.error);
  }
  if (end != worker::ShardEnd::kReleased) {
    {
      std::lock_guard lock(mutex_);
      sweep_now_ = true;
    }
    wakeup_.notify_all();
  }
}

void JobRunner::start() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  sweeper_ = std::thread([this] { sweeperLoop(); });
  if (const int released = worker_.start(); released > 0) {
    fmt::print(stderr, "portlens serve: {} interrupted shard(s) queued again to resume\n",
               released);
  }
}

void JobRunner::stop() {
  worker_.stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

void JobRunner::wake() { worker_.wake(); }

void JobRunner::cancel(std::int64_t id) { worker_.cancel(id); }

void JobRunner::sweeperLoop() {
  std::unique_ptr<store::ScanStore> store;
  const auto& registry = registry::PortRegistry::builtin();
  while (true) {
    try {
      if (!store) store = std::make_unique<store::ScanStore>(db_path_, clock_);
      auto completed = completeFinishedScans(*store, registry);
      if (completed.count > 0 && settings_.after_finish) settings_.after_finish();
      // After the alert dispatcher was woken: the deletes take the write lock in batches, so
      // the new events are queued for delivery between two of them.
      store::MonitorStore monitors(*store);
      for (const auto replaced : completed.replaced) monitors.dropReplacedResults(replaced);
    } catch (const std::exception& e) {
      // The store itself failed (disk full, database removed): the server keeps answering
      // reads, and the operator sees why no run completes.
      fmt::print(stderr, "portlens serve: completing scans: {}\n", e.what());
      store.reset();  // reopened on the next round
    }
    std::unique_lock lock(mutex_);
    wakeup_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || sweep_now_; });
    if (stopping_) return;
    sweep_now_ = false;
  }
}

}  // namespace portlens::server
