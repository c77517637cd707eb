#include "server/monitor_views.h"

namespace portlens::server {
namespace {

Json timeOrNull(std::int64_t ms) {
  return ms == 0 ? Json(nullptr) : Json(static_cast<double>(ms) / 1000.0);
}

// Stored JSON written by this server; a value that no longer parses shows as null.
Json storedJson(const std::string& text) {
  auto j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json(nullptr) : j;
}

}  // namespace

std::string everyText(std::int64_t seconds) {
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

Json monitorJson(const store::MonitorRow& m, const std::optional<store::ScanRow>& last_run,
                 std::size_t open_findings) {
  Json j;
  j["id"] = m.id;
  j["name"] = m.name;
  j["targets"] = m.targets_text;
  j["ports"] = m.ports_label;
  j["mode"] = std::string(scan::toString(m.mode));
  j["service_detection"] = m.service_detection;
  if (m.every_seconds > 0) {
    j["every"] = everyText(m.every_seconds);
  } else {
    j["cron"] = m.cron;
  }
  j["policy"] = m.policy_yaml.empty() ? Json(nullptr) : Json(m.policy_yaml);
  j["alerts"] = alertsWithoutSecrets(m.alerts_json);
  j["paused"] = m.paused;
  j["next_run_at"] = m.paused ? Json(nullptr) : timeOrNull(m.next_run_ms);
  j["last_error"] = m.last_error.empty() ? Json(nullptr) : Json(m.last_error);
  j["created_at"] = timeOrNull(m.created_ms);
  j["owner"] = m.owner;
  j["open_findings"] = open_findings;
  j["last_run"] = last_run ? scanJson(*last_run) : Json(nullptr);
  return j;
}

Json alertsWithoutSecrets(const std::string& alerts_json) {
  Json alerts = storedJson(alerts_json);
  if (!alerts.is_array()) return alerts;
  for (auto& destination : alerts) {
    if (destination.is_object()) destination.erase("secret");
  }
  return alerts;
}

Json findingRowJson(const store::FindingRow& f) {
  Json j;
  j["id"] = f.id;
  j["monitor_id"] = f.monitor_id;
  j["key"] = f.key;
  j["kind"] = f.kind;
  j["state"] = f.resolved_ms == 0 ? "open" : "resolved";
  j["finding"] = storedJson(f.finding_json);
  j["opened_at"] = timeOrNull(f.opened_ms);
  j["resolved_at"] = timeOrNull(f.resolved_ms);
  j["acknowledged_at"] = timeOrNull(f.acknowledged_ms);
  j["acknowledged_by"] = f.acknowledged_by.empty() ? Json(nullptr) : Json(f.acknowledged_by);
  j["opened_scan_id"] = f.opened_scan_id;
  j["resolved_scan_id"] = f.resolved_scan_id == 0 ? Json(nullptr) : Json(f.resolved_scan_id);
  return j;
}

}  // namespace portlens::server
