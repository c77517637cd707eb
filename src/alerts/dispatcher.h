// The alert dispatcher of `portlens serve`: one thread that copies new finding events into the
// outbox (outbox.h) and delivers every due delivery through a Deliverer, marking each one
// delivered, or failed with its next attempt after exponential backoff (retry_policy.h). It
// wakes at the earliest due retry, at wake() (the monitors call it after committing a run's
// events, so an alert leaves at once), and at least every `poll` (events written by another
// process). Time comes from the injected clock: the outbox's times are its wall time in ms.
//
// Threads: start()/stop()/wake() from the serve command and the job threads; passOnce() runs
// on the dispatcher's thread (or a test's). Deliveries run one at a time, each bounded by the
// deliverer's timeouts, so stop() returns within one delivery's timeout.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "alerts/deliverer.h"
#include "alerts/outbox.h"
#include "alerts/retry_policy.h"
#include "core/clock.h"
#include "metrics/portlens_metrics.h"

namespace portlens::alerts {

struct DispatcherSettings {
  RetryPolicy retry;
  std::chrono::milliseconds poll{250};
  std::size_t batch = 32;
  // Firing alerts of still-open findings are sent to Alertmanager again this often (its
  // resolve_timeout, 5 min by default, must be longer); see AlertOutbox::firingAlertmanagerAlerts.
  std::chrono::milliseconds alertmanager_refresh{60'000};
};

struct PassResult {
  std::size_t delivered = 0;
  std::size_t failed = 0;  // attempts that failed (retried later or given up)
  // How long the dispatcher may wait before the next pass: until the earliest due retry,
  // at most `poll`; zero when a full batch suggests more is due.
  std::chrono::milliseconds wait{0};
};

class AlertDispatcher {
 public:
  // `metrics`, when given (it must outlive the dispatcher), counts deliveries and failed
  // attempts by destination type (portlens_alert_deliveries_total, ..._failures_total).
  AlertDispatcher(std::string db_path, Deliverer& deliverer, core::Clock& clock,
                  DispatcherSettings settings = {}, metrics::PortlensMetrics* metrics = nullptr);
  ~AlertDispatcher();
  AlertDispatcher(const AlertDispatcher&) = delete;
  AlertDispatcher& operator=(const AlertDispatcher&) = delete;

  void start();
  void stop();
  void wake();

  // One pass: enqueue new events, deliver the due ones (at most `batch`).
  PassResult passOnce(AlertOutbox& outbox);

 private:
  void loop();
  void attempt(AlertOutbox& outbox, const PendingDelivery& row, PassResult& result);
  // Sends the firing alerts again when alertmanager_refresh has passed since the last time.
  void refreshAlertmanager(AlertOutbox& outbox);

  std::string db_path_;
  Deliverer& deliverer_;
  core::Clock& clock_;
  DispatcherSettings settings_;
  metrics::PortlensMetrics* metrics_;
  std::optional<core::Clock::SteadyTime> last_refresh_;  // passOnce's thread only
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::uint64_t wake_count_ = 0;
  std::thread thread_;
};

}  // namespace portlens::alerts
