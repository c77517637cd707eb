// One row of `finding_events` (written by the monitors in the transaction of a run's findings):
// a finding was opened or resolved. The dispatcher reads it from the store and the payload
// formatters (payloads.h) turn it into what each destination receives. Plain data.
//
// finding_json: the finding as the findings API shows it ("kind", "ip", "port", "detail", ...).
// monitor_json: the monitor as stored, including its "alerts" array (destination secrets), which
// the formatters never copy into a payload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace portlens::alerts {

struct AlertEvent {
  std::int64_t id = 0;  // finding_events.id
  std::int64_t monitor_id = 0;
  std::int64_t finding_id = 0;
  std::string event;  // "finding_opened" or "finding_resolved"
  std::optional<std::int64_t> scan_id;
  std::int64_t at_ms = 0;  // Unix time of the transition, milliseconds
  std::string finding_json;
  std::string monitor_json;
};

}  // namespace portlens::alerts
