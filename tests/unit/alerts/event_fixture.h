// A finding event as the monitors write it, for the alerts unit tests.
#pragma once

#include <string>

#include "alerts/alert_event.h"

namespace portlens::alerts {

inline constexpr std::int64_t kEventAtMs = 1796195096123;  // 2026-12-02T07:04:56.123Z

inline AlertEvent sampleEvent(const std::string& event = "finding_opened",
                              const std::string& alerts_json = "[]") {
  AlertEvent e;
  e.id = 17;
  e.monitor_id = 3;
  e.finding_id = 41;
  e.event = event;
  e.scan_id = 99;
  e.at_ms = kEventAtMs;
  e.finding_json = R"({"id":41,"kind":"port_opened","ip":"198.19.0.7","port":8080,"state":"open",)"
                   R"("service":"http-proxy","detail":"port 8080 is open and was not before"})";
  e.monitor_json = R"({"id":3,"name":"dmz","every":"30s","alerts":)" + alerts_json + "}";
  return e;
}

}  // namespace portlens::alerts
