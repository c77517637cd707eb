// Queues monitors' runs when they are due, as ordinary scans (the job workers run them and
// monitor_completion turns each into findings), and applies the retention setting.
//
// tick() is the whole decision, driven by the injected clock (tests call it directly with a
// manual clock): every monitor not paused whose next_run_ms has come gets one run queued and
// its next time moved past now (a missed schedule runs once, not once per missed period). A
// monitor whose previous run is still queued or running skips this one (runs never pile up).
// Runs scan with the owner token's current rights: the same target policy and probe cap as its
// scans; a refused target, or a deleted token, skips the run and says why in last_error.
//
// start() runs tick() about once a second on its own thread (and, once an hour, retention and
// the removal of workers not heard from for a day: store/shard_store.h) until stop(). Errors of one
// tick are printed and the next tick tries again.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/target_spec.h"
#include "server/monitor_routes.h"
#include "server/monitor_schedule.h"
#include "server/server_config.h"
#include "store/monitor_store.h"

namespace portlens::server {

// A monitor's stored schedule (validated when stored).
Schedule scheduleOf(const store::MonitorRow& monitor);

class MonitorScheduler {
 public:
  // `wake` is called after runs were queued (JobRunner::wake in the server).
  MonitorScheduler(const ServerConfig& config, core::Clock& clock, core::HostResolver resolver,
                   std::function<void()> wake, TargetRestriction restrict_targets = {});
  ~MonitorScheduler();
  MonitorScheduler(const MonitorScheduler&) = delete;
  MonitorScheduler& operator=(const MonitorScheduler&) = delete;

  // Queues the due runs; returns how many.
  int tick(store::ScanStore& store);
  // Removes finished scans older than retention_days (nothing when 0); returns how many.
  std::size_t applyRetention(store::ScanStore& store);

  void start();
  void stop();

 private:
  store::NewScan runScan(store::ScanStore& store, const store::MonitorRow& monitor);
  void loop();

  const ServerConfig& config_;
  core::Clock& clock_;
  core::HostResolver resolver_;
  std::function<void()> wake_;
  TargetRestriction restrict_targets_;
  std::uint64_t seed_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace portlens::server
