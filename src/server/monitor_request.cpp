#include "server/monitor_request.h"

#include <set>

#include "core/error.h"
#include "policy/policy_parser.h"
#include "server/api_error.h"
#include "server/monitor_schedule.h"

namespace portlens::server {
namespace {

ApiError invalid(const std::string& message) { return ApiError(400, "invalid_field", message); }

std::string stringField(const nlohmann::json& doc, const char* key, bool required) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (required) throw invalid(std::string("'") + key + "' is required");
    return {};
  }
  if (!it->is_string()) throw invalid(std::string("'") + key + "' must be a string");
  return it->get<std::string>();
}

// Alert destinations are stored as given; what each type needs is the alerts code's to check.
std::string parseAlerts(const nlohmann::json& doc) {
  auto it = doc.find("alerts");
  if (it == doc.end() || it->is_null()) return "[]";
  if (!it->is_array()) throw invalid("'alerts' must be an array of destinations");
  if (it->size() > kMaxAlerts) {
    throw invalid("'alerts' may name at most " + std::to_string(kMaxAlerts) + " destinations");
  }
  for (const auto& destination : *it) {
    if (!destination.is_object() || !destination.contains("type") ||
        !destination["type"].is_string()) {
      throw invalid("each of 'alerts' must be an object with a \"type\" string");
    }
    // Each type's fields and the allow list: MonitorRoutes::checkAlerts (it knows the caller).
  }
  return it->dump();
}

}  // namespace

MonitorRequest parseMonitorRequest(const nlohmann::json& doc,
                                   const registry::PortRegistry& registry,
                                   const SynCheck& syn_available) {
  static const std::set<std::string> kKeys = {
      "name",  "targets", "ports",  "mode",   "service_detection",
      "every", "cron",    "policy", "alerts", "paused"};
  for (const auto& [key, value] : doc.items()) {
    if (kKeys.count(key) == 0) throw invalid("unknown field '" + key + "'");
  }
  MonitorRequest r;
  r.name = stringField(doc, "name", true);
  if (r.name.empty() || r.name.size() > kMaxMonitorName) {
    throw invalid("'name' must be 1-" + std::to_string(kMaxMonitorName) + " bytes");
  }
  nlohmann::json scan = nlohmann::json::object();
  for (const char* key : {"targets", "ports", "mode", "service_detection"}) {
    if (doc.contains(key)) scan[key] = doc[key];
  }
  r.scan = parseScanRequest(scan.dump(), registry, syn_available);
  const std::string every = stringField(doc, "every", false);
  r.cron = stringField(doc, "cron", false);
  if (every.empty() == r.cron.empty()) {
    throw ApiError(400, "invalid_schedule",
                   "give exactly one of 'every' (e.g. \"15m\") and 'cron' (5 fields)");
  }
  if (!every.empty()) r.every_seconds = parseEvery(every);
  if (!r.cron.empty()) parseCron(r.cron);
  r.policy_yaml = stringField(doc, "policy", false);
  if (!r.policy_yaml.empty()) {
    try {
      policy::parsePolicy(r.policy_yaml, "policy");
    } catch (const core::UsageError& e) {
      throw ApiError(400, "invalid_policy", e.what());
    }
  }
  r.alerts_json = parseAlerts(doc);
  if (auto it = doc.find("paused"); it != doc.end() && !it->is_null()) {
    if (!it->is_boolean()) throw invalid("'paused' must be true or false");
    r.paused = it->get<bool>();
  }
  return r;
}

}  // namespace portlens::server
