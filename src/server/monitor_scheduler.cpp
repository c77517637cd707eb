#include "server/monitor_scheduler.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>

#include "core/port_spec.h"
#include "server/token_access.h"
#include "store/shard_store.h"
#include "target_policy/target_policy.h"

namespace portlens::server {
namespace {

std::int64_t wallMs(core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wallNow().time_since_epoch())
      .count();
}

bool pending(store::ScanStore& store, std::int64_t scan_id) {
  if (scan_id == 0) return false;
  auto row = store.scan(scan_id);
  return row && !store::isFinal(row->status);
}

constexpr auto kRetentionEvery = std::chrono::hours(1);

}  // namespace

Schedule scheduleOf(const store::MonitorRow& monitor) {
  Schedule s;
  s.every_seconds = monitor.every_seconds;
  if (s.every_seconds <= 0) s.cron = parseCron(monitor.cron);
  return s;
}

MonitorScheduler::MonitorScheduler(const ServerConfig& config, core::Clock& clock,
                                   core::HostResolver resolver, std::function<void()> wake,
                                   TargetRestriction restrict_targets)
    : config_(config),
      clock_(clock),
      resolver_(std::move(resolver)),
      wake_(std::move(wake)),
      restrict_targets_(std::move(restrict_targets)),
      seed_(static_cast<std::uint64_t>(clock.wallNow().time_since_epoch().count()) ^
            0x6d6f6e69746f72ULL) {}

MonitorScheduler::~MonitorScheduler() { stop(); }

store::NewScan MonitorScheduler::runScan(store::ScanStore& store,
                                         const store::MonitorRow& monitor) {
  auto token = store.tokenByName(monitor.owner);
  if (!token) throw ApiError(403, "unauthorized", "the monitor's token no longer exists");
  target_policy::TargetPolicy policy;
  policy.allowed = tokenAllow(config_, *token);
  policy.max_probes = config_.max_probes;
  if (!token->admin && restrict_targets_) restrict_targets_(policy, monitor.owner);
  const auto ports = core::parsePortSpec(monitor.ports_spec, nullptr);
  store::NewScan scan;
  try {
    scan.targets =
        target_policy::checkTargets(policy, monitor.targets_text, ports.size(), resolver_);
  } catch (const target_policy::PolicyError& e) {
    throw apiErrorOf(e);
  }
  scan.owner = monitor.owner;
  scan.client = "monitor:" + std::to_string(monitor.id);
  scan.targets_text = monitor.targets_text;
  scan.mode = monitor.mode;
  scan.ports_spec = monitor.ports_spec;
  scan.ports_label = monitor.ports_label;
  scan.seed = ++seed_;
  scan.service_detection = monitor.service_detection;
  scan.pairs_per_shard = config_.shard_pairs;
  return scan;
}

int MonitorScheduler::tick(store::ScanStore& store) {
  store::MonitorStore monitors(store);
  const std::int64_t now_ms = wallMs(clock_);
  int queued = 0;
  for (auto& monitor : monitors.dueMonitors(now_ms)) {
    const std::int64_t next = nextRunAfter(scheduleOf(monitor), monitor.next_run_ms, now_ms);
    std::string skipped;
    if (pending(store, monitor.last_scan_id)) {
      skipped = "skipped a run: the previous one was still queued or running";
    } else {
      try {
        auto scan = runScan(store, monitor);
        store::Transaction tx(store.database());
        const auto id = store.insertScan(scan);
        monitors.addRun(monitor.id, id, next);
        tx.commit();
        ++queued;
        continue;
      } catch (const ApiError& e) {
        skipped = std::string("run not queued: ") + e.what();
      }
    }
    monitor.next_run_ms = next;
    monitor.last_error = skipped;
    monitors.updateMonitor(monitor);
  }
  if (queued > 0 && wake_) wake_();
  return queued;
}

std::size_t MonitorScheduler::applyRetention(store::ScanStore& store) {
  if (config_.retention_days == 0) return 0;
  const auto days =
      static_cast<std::int64_t>(std::min<std::uint64_t>(config_.retention_days, 100'000));
  const std::int64_t cutoff = wallMs(clock_) - days * 24 * 3600 * 1000;
  store::MonitorStore monitors(store);
  const auto removed = monitors.deleteScansBefore(cutoff);
  if (removed > 0) monitors.releaseFreePages();
  return removed;
}

void MonitorScheduler::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void MonitorScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MonitorScheduler::loop() {
  std::unique_ptr<store::ScanStore> store;
  auto last_retention = clock_.now() - kRetentionEvery;
  while (true) {
    try {
      if (!store) store = std::make_unique<store::ScanStore>(config_.db, clock_);
      tick(*store);
      if (clock_.now() - last_retention >= kRetentionEvery) {
        last_retention = clock_.now();
        applyRetention(*store);
        store::ShardStore(*store).removeStaleWorkers();
      }
    } catch (const std::exception& e) {
      fmt::print(stderr, "portlens serve: monitor scheduler: {}\n", e.what());
      store.reset();  // reopened on the next tick
    }
    std::unique_lock lock(mutex_);
    // Schedules are whole seconds (at least 5): a tick a second is on time enough.
    if (wakeup_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; })) return;
  }
}

}  // namespace portlens::server
