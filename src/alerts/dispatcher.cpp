#include "alerts/dispatcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "alerts/delivery_error.h"
#include "store/database.h"

namespace portlens::alerts {
namespace {

std::int64_t wallMs(core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wallNow().time_since_epoch())
      .count();
}

}  // namespace

AlertDispatcher::AlertDispatcher(std::string db_path, Deliverer& deliverer, core::Clock& clock,
                                 DispatcherSettings settings, metrics::PortlensMetrics* metrics)
    : db_path_(std::move(db_path)),
      deliverer_(deliverer),
      clock_(clock),
      settings_(settings),
      metrics_(metrics) {}

AlertDispatcher::~AlertDispatcher() { stop(); }

void AlertDispatcher::start() {
  thread_ = std::thread([this] { loop(); });
}

void AlertDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertDispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_count_;
  }
  wakeup_.notify_all();
}

void AlertDispatcher::attempt(AlertOutbox& outbox, const PendingDelivery& row, PassResult& result) {
  const std::string id = deliveryId(row.event.id, row.destination);
  std::string_view type = "unknown";  // the metrics label until the spec is read
  try {
    if (row.event.id == 0) throw DeliveryError("the event is no longer stored", true);
    const auto spec = nlohmann::json::parse(row.spec_json, nullptr, false);
    Destination destination;
    try {
      destination = parseDestination(spec);
      type = toString(destination.type);
    } catch (const DestinationError& e) {
      throw DeliveryError(std::string("invalid destination: ") + e.what(), true);
    }
    deliverer_.deliver(row.event, destination, id);
    outbox.markDelivered(row.id, wallMs(clock_));
    if (metrics_ != nullptr) metrics_->alert_deliveries.with({type}).inc();
    ++result.delivered;
  } catch (const std::exception& e) {
    const auto* failure = dynamic_cast<const DeliveryError*>(&e);
    const int failed = row.attempts + 1;
    const bool give_up =
        (failure != nullptr && failure->permanent()) || failed >= settings_.retry.max_attempts;
    const auto delay = retryDelay(settings_.retry, failed);
    outbox.markFailed(
        row.id, e.what(),
        give_up ? std::nullopt : std::optional<std::int64_t>(wallMs(clock_) + delay.count()));
    if (metrics_ != nullptr) metrics_->alert_failures.with({type}).inc();
    ++result.failed;
    fmt::print(stderr, "portlens serve: alert delivery {} failed (attempt {}): {}; {}\n", id,
               failed, e.what(),
               give_up ? std::string("giving up") : fmt::format("retry in {} ms", delay.count()));
  }
}

PassResult AlertDispatcher::passOnce(AlertOutbox& outbox) {
  PassResult result;
  outbox.enqueueNewEvents(wallMs(clock_));
  const auto rows = outbox.due(wallMs(clock_), settings_.batch);
  for (const auto& row : rows) attempt(outbox, row, result);
  refreshAlertmanager(outbox);
  if (rows.size() == settings_.batch) return result;  // more may be due: wait 0
  result.wait = settings_.poll;
  if (const auto next = outbox.nextAttemptMs()) {
    const auto until = std::chrono::milliseconds(std::max<std::int64_t>(0, *next - wallMs(clock_)));
    result.wait = std::min(result.wait, until);
  }
  return result;
}

void AlertDispatcher::refreshAlertmanager(AlertOutbox& outbox) {
  const auto now = clock_.now();
  if (!last_refresh_) last_refresh_ = now;  // the first sends are the deliveries themselves
  if (now - *last_refresh_ < settings_.alertmanager_refresh) return;
  last_refresh_ = now;
  // No retry and no state: a refresh that fails is simply the next one's to do.
  for (const auto& row : outbox.firingAlertmanagerAlerts()) {
    try {
      const auto spec = nlohmann::json::parse(row.spec_json, nullptr, false);
      deliverer_.deliver(row.event, parseDestination(spec),
                         deliveryId(row.event.id, row.destination));
    } catch (const std::exception& e) {
      if (metrics_ != nullptr) metrics_->alert_failures.with({"alertmanager"}).inc();
      fmt::print(stderr, "portlens serve: alertmanager refresh of {} failed: {}\n",
                 deliveryId(row.event.id, row.destination), e.what());
    }
  }
}

void AlertDispatcher::loop() {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<AlertOutbox> outbox;
  std::uint64_t seen_wakes = 0;
  for (;;) {
    std::chrono::milliseconds wait = settings_.poll;
    try {
      if (!outbox) {
        db = std::make_unique<store::Database>(db_path_);
        outbox = std::make_unique<AlertOutbox>(*db);
      }
      wait = passOnce(*outbox).wait;
    } catch (const std::exception& e) {
      // A busy or broken database: say so and try again at the next poll.
      fmt::print(stderr, "portlens serve: alert dispatcher: {}\n", e.what());
      // A lost PostgreSQL connection does not come back by itself: reopen at the next poll.
      if (db && !db->healthy()) {
        outbox.reset();
        db.reset();
      }
    }
    std::unique_lock lock(mutex_);
    // The condition variable only bounds how long the thread idles; every time the dispatcher
    // acts on comes from clock_.
    wakeup_.wait_for(lock, wait, [&] { return stopping_ || wake_count_ != seen_wakes; });
    if (stopping_) return;
    seen_wakes = wake_count_;
  }
}

}  // namespace portlens::alerts
