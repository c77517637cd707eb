// The persistent outbox of alert deliveries, in the server's database next to
// `finding_events` (written by the monitors, in the transaction of a run's findings):
//
//   alert_deliveries(id, event_id, destination, type, spec_json, state, attempts,
//                    next_attempt_ms, last_error, delivered_ms)  UNIQUE(event_id, destination)
//   alert_cursor(last_event_id)   the last event already copied into alert_deliveries
//
// enqueueNewEvents copies each new event into one pending row per destination of its monitor
// (`monitors.alerts_json` of the event's monitor_id; without that row, monitor_json's "alerts";
// index = `destination`; the spec is copied, so a later edit of the monitor does not change
// what a pending delivery does) and moves the cursor, in one transaction:
// a crash leaves either both or neither. A row becomes `delivered` only after its receiver
// accepted it, so a restart re-sends what was not confirmed (at least once; the delivery id
// "e<event>-d<destination>" lets receivers drop the rare repeat) and never what was.
//
// Threading: one AlertOutbox per connection, used by one thread (the dispatcher's).
// Errors: store::StoreError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert_event.h"
#include "store/database.h"

namespace portlens::alerts {

struct PendingDelivery {
  std::int64_t id = 0;
  int destination = 0;
  std::string spec_json;  // the destination object as the monitor had it
  int attempts = 0;       // failed attempts so far
  AlertEvent event;
};

struct DeliveryCount {
  std::string type;   // webhook, alertmanager, syslog, email, "" if unparseable
  std::string state;  // pending, delivered, failed
  std::int64_t rows = 0;
  std::int64_t attempts = 0;  // failed attempts summed
};

// "e17-d0": the X-Portlens-Delivery header, stable across retries and restarts.
std::string deliveryId(std::int64_t event_id, int destination);

class AlertOutbox {
 public:
  // Creates alert_deliveries and alert_cursor when missing.
  explicit AlertOutbox(store::Database& db);

  // Returns the number of events copied. Does nothing while finding_events does not exist.
  std::size_t enqueueNewEvents(std::int64_t now_ms);
  // Pending rows whose next attempt is due, oldest due first.
  std::vector<PendingDelivery> due(std::int64_t now_ms, std::size_t limit);
  void markDelivered(std::int64_t id, std::int64_t now_ms);
  // retry_at_ms: when to try again; nullopt = give up (state `failed`).
  void markFailed(std::int64_t id, const std::string& error,
                  std::optional<std::int64_t> retry_at_ms);
  // Alertmanager deliveries to send again: each delivered `finding_opened` to an alertmanager
  // destination whose finding is still open. Alertmanager resolves an alert by itself when it
  // has not been sent for its resolve_timeout (5 min by default), so clients re-send firing
  // alerts (as Prometheus does); the rows come back with the spec the first delivery used.
  std::vector<PendingDelivery> firingAlertmanagerAlerts();

  // The earliest next attempt of a pending row, nullopt when none is pending.
  std::optional<std::int64_t> nextAttemptMs();
  // Rows and failed attempts by destination type and state (for metrics and tests).
  std::vector<DeliveryCount> counts();

 private:
  static std::vector<PendingDelivery> readDeliveries(store::Statement& st);
  bool tableExists(std::string_view name);
  bool eventsTableExists();
  store::Database& db_;
};

}  // namespace portlens::alerts
