#include "server/monitor_routes.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "alerts/destination.h"
#include "net/resolver.h"
#include "server/api_error.h"
#include "server/api_routes.h"
#include "server/monitor_request.h"
#include "server/monitor_views.h"
#include "server/scan_views.h"
#include "store/monitor_store.h"
#include "target_policy/target_policy.h"

namespace portlens::server {
namespace {

constexpr std::size_t kMaxPageSize = 200;

std::int64_t wallMs(core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wallNow().time_since_epoch())
      .count();
}

std::optional<std::string> ownerFilter(const Caller& caller) {
  return caller.admin ? std::nullopt : std::optional(caller.owner);
}

store::MonitorRow visibleMonitor(store::MonitorStore& monitors, const Caller& caller,
                                 std::int64_t id) {
  auto row = monitors.monitor(id);
  if (!row || (!caller.admin && row->owner != caller.owner)) {
    throw ApiError(404, "not_found", "no such monitor");
  }
  return *row;
}

std::size_t pageLimit(const std::map<std::string, std::string>& query) {
  auto it = query.find("limit");
  if (it == query.end()) return 50;
  try {
    return std::clamp<std::size_t>(std::stoul(it->second), 1, kMaxPageSize);
  } catch (const std::exception&) {
    throw ApiError(400, "invalid_query", "limit must be a number");
  }
}

// The request's fields onto a row (schedule bookkeeping is the caller's).
void applyRequest(store::MonitorRow& row, const MonitorRequest& r) {
  row.name = r.name;
  row.targets_text = r.scan.targets;
  row.ports_spec = r.scan.ports.toString();
  row.ports_label = r.scan.ports_label;
  row.mode = r.scan.mode;
  row.service_detection = r.scan.service_detection;
  row.every_seconds = r.every_seconds;
  row.cron = r.cron;
  row.policy_yaml = r.policy_yaml;
  row.alerts_json = r.alerts_json;
  row.paused = r.paused;
}

// The stored monitor as a request body, for PATCH to merge over. A ports label cut short
// (over 100 bytes) is replaced by the exact numeric spec.
nlohmann::json requestOf(const store::MonitorRow& m) {
  nlohmann::json j{
      {"name", m.name},
      {"targets", m.targets_text},
      {"ports", m.ports_label.size() > 100 || m.ports_label.empty() ? m.ports_spec : m.ports_label},
      {"mode", std::string(scan::toString(m.mode))},
      {"service_detection", m.service_detection},
      {"alerts", nlohmann::json::parse(m.alerts_json, nullptr, false)},
      {"paused", m.paused}};
  if (m.every_seconds > 0) {
    j["every"] = everyText(m.every_seconds);
  } else {
    j["cron"] = m.cron;
  }
  if (!m.policy_yaml.empty()) j["policy"] = m.policy_yaml;
  if (j["alerts"].is_discarded()) j["alerts"] = nlohmann::json::array();
  return j;
}

// Views never show a secret (monitor_views.h), so an `alerts` edited from a view comes back
// without them: a destination given without "secret" keeps the stored one of the same type
// and URL. One of another URL has none to keep and is refused as before (a new URL needs its
// secret).
std::string stringAt(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void keepStoredSecrets(nlohmann::json& alerts, const std::string& stored_alerts_json) {
  const auto stored = nlohmann::json::parse(stored_alerts_json, nullptr, false);
  if (!alerts.is_array() || !stored.is_array()) return;
  for (auto& destination : alerts) {
    if (!destination.is_object() || destination.contains("secret")) continue;
    for (const auto& old : stored) {
      if (old.is_object() && old.contains("secret") &&
          stringAt(old, "type") == stringAt(destination, "type") &&
          stringAt(old, "url") == stringAt(destination, "url")) {
        destination["secret"] = old["secret"];
        break;
      }
    }
  }
}

}  // namespace

MonitorRoutes::MonitorRoutes(const ServerConfig& config, StorePool& pool,
                             const registry::PortRegistry& registry, core::Clock& clock,
                             SynCheck syn_available, TargetRestriction restrict_targets)
    : config_(config),
      pool_(pool),
      registry_(registry),
      clock_(clock),
      syn_available_(std::move(syn_available)),
      restrict_targets_(std::move(restrict_targets)) {}

HttpResponse MonitorRoutes::handle(const HttpRequest& request, const Caller& caller,
                                   const std::vector<std::string>& parts) {
  if (caller.anonymous) throw ApiError(401, "unauthorized", "monitors need an API token");
  const auto& m = request.method;
  const bool get = m == "GET" || m == "HEAD";
  auto method_error = [] { return ApiError(405, "method_not_allowed", "method not allowed"); };
  if (parts[2] == "findings") {
    if (parts.size() == 3) {
      if (!get) throw method_error();
      return findings(request, caller);
    }
    if (parts.size() == 5 && parts[4] == "acknowledge") {
      if (m != "POST") throw method_error();
      return acknowledge(caller, parseId(parts[3]));
    }
    throw ApiError(404, "not_found", "no such endpoint");
  }
  if (parts.size() == 3) {
    if (m == "POST") return create(request, caller);
    if (get) return list(caller);
    throw method_error();
  }
  const std::int64_t id = parseId(parts[3]);
  if (parts.size() == 4) {
    if (get) return this->get(caller, id);
    if (m == "PATCH") return patch(request, caller, id);
    if (m == "DELETE") return remove(caller, id);
    throw method_error();
  }
  if (parts.size() == 5 && parts[4] == "runs") {
    if (!get) throw method_error();
    return runs(request, caller, id);
  }
  throw ApiError(404, "not_found", "no such endpoint");
}

void MonitorRoutes::checkTargets(const Caller& caller, const std::string& targets,
                                 std::uint64_t ports) {
  target_policy::TargetPolicy policy;
  policy.allowed = caller.allow;
  policy.max_probes = config_.max_probes;
  if (!caller.admin && restrict_targets_) restrict_targets_(policy, caller.owner);
  try {
    target_policy::checkTargets(policy, targets, ports, net::resolveHostname);
  } catch (const target_policy::PolicyError& e) {
    throw apiErrorOf(e);
  }
}

// Alert destinations are requests the server makes for the caller (SSRF): only admins may
// name one outside the config's alert_destinations (alerts/destination.h).
void MonitorRoutes::checkAlerts(const Caller& caller, const std::string& alerts_json) {
  try {
    alerts::checkAlertDestinations(nlohmann::json::parse(alerts_json), config_.alert_destinations,
                                   caller.admin);
  } catch (const alerts::DestinationError& e) {
    if (e.forbidden()) throw ApiError(403, "destination_forbidden", e.what());
    throw ApiError(400, "invalid_field", e.what());
  }
}

HttpResponse MonitorRoutes::create(const HttpRequest& request, const Caller& caller) {
  auto parsed = parseMonitorRequest(parseJsonObject(request.body), registry_, syn_available_);
  checkTargets(caller, parsed.scan.targets, parsed.scan.ports.size());
  checkAlerts(caller, parsed.alerts_json);
  store::MonitorRow row;
  applyRequest(row, parsed);
  row.owner = caller.owner;
  row.next_run_ms = wallMs(clock_);  // the first run (the baseline) is due at once
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  row.id = monitors.insertMonitor(row);
  auto r = jsonResponse(201, monitorJson(*monitors.monitor(row.id), std::nullopt, 0));
  r.headers.emplace_back("Location", "/api/v1/monitors/" + std::to_string(row.id));
  return r;
}

HttpResponse MonitorRoutes::list(const Caller& caller) {
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  Json body;
  body["monitors"] = Json::array();
  for (const auto& m : monitors.listMonitors(ownerFilter(caller))) {
    auto last = m.last_scan_id ? store->scan(m.last_scan_id) : std::nullopt;
    body["monitors"].push_back(monitorJson(m, last, monitors.countOpenFindings(m.id)));
  }
  return jsonResponse(200, body);
}

HttpResponse MonitorRoutes::get(const Caller& caller, std::int64_t id) {
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  auto m = visibleMonitor(monitors, caller, id);
  auto last = m.last_scan_id ? store->scan(m.last_scan_id) : std::nullopt;
  return jsonResponse(200, monitorJson(m, last, monitors.countOpenFindings(id)));
}

HttpResponse MonitorRoutes::patch(const HttpRequest& request, const Caller& caller,
                                  std::int64_t id) {
  auto changes = parseJsonObject(request.body);
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  auto row = visibleMonitor(monitors, caller, id);
  auto merged = requestOf(row);
  // One schedule: a PATCH naming `every` replaces a cron and the other way round.
  if (changes.contains("every")) merged.erase("cron");
  if (changes.contains("cron")) merged.erase("every");
  for (const auto& [key, value] : changes.items()) merged[key] = value;
  if (changes.contains("alerts")) keepStoredSecrets(merged["alerts"], row.alerts_json);
  // The SYN runner is asked only when the edit sets the mode: pausing or renaming a SYN
  // monitor must work while its runner restarts (runs wait for a runner; they do not fail).
  const SynCheck stored_mode_stands = [] { return true; };
  auto parsed = parseMonitorRequest(merged, registry_,
                                    changes.contains("mode") ? syn_available_ : stored_mode_stands);
  if (changes.contains("targets") || changes.contains("ports")) {
    checkTargets(caller, parsed.scan.targets, parsed.scan.ports.size());
  }
  if (changes.contains("alerts")) checkAlerts(caller, parsed.alerts_json);
  const bool resumed = row.paused && !parsed.paused;
  const bool rescheduled = parsed.every_seconds != row.every_seconds || parsed.cron != row.cron;
  applyRequest(row, parsed);
  if (resumed || rescheduled) row.next_run_ms = wallMs(clock_);  // due now, then on schedule
  monitors.updateMonitor(row);
  auto last = row.last_scan_id ? store->scan(row.last_scan_id) : std::nullopt;
  return jsonResponse(200,
                      monitorJson(*monitors.monitor(id), last, monitors.countOpenFindings(id)));
}

HttpResponse MonitorRoutes::remove(const Caller& caller, std::int64_t id) {
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  visibleMonitor(monitors, caller, id);
  monitors.deleteMonitor(id);
  return jsonResponse(200, {{"deleted", id}});
}

HttpResponse MonitorRoutes::runs(const HttpRequest& request, const Caller& caller,
                                 std::int64_t id) {
  auto query = parseQuery(request.query);
  const std::size_t limit = pageLimit(query);
  std::int64_t before = 0;
  if (auto it = query.find("before"); it != query.end()) {
    try {
      before = std::stoll(it->second);
    } catch (const std::exception&) {
      throw ApiError(400, "invalid_query", "before must be a number");
    }
  }
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  visibleMonitor(monitors, caller, id);
  auto ids = monitors.runs(id, before, limit + 1);
  Json body;
  body["runs"] = Json::array();
  for (std::size_t i = 0; i < ids.size() && i < limit; ++i) {
    if (auto scan = store->scan(ids[i])) body["runs"].push_back(scanJson(*scan));
  }
  body["next_before"] = ids.size() > limit ? Json(ids[limit - 1]) : Json(nullptr);
  return jsonResponse(200, body);
}

HttpResponse MonitorRoutes::findings(const HttpRequest& request, const Caller& caller) {
  auto query = parseQuery(request.query);
  std::int64_t monitor_id = 0;
  if (auto it = query.find("monitor"); it != query.end()) monitor_id = parseId(it->second);
  auto state = store::FindingState::kOpen;
  if (auto it = query.find("state"); it != query.end()) {
    if (it->second == "resolved") {
      state = store::FindingState::kResolved;
    } else if (it->second == "all") {
      state = store::FindingState::kAll;
    } else if (it->second != "open") {
      throw ApiError(400, "invalid_query", "state must be open, resolved or all");
    }
  }
  const std::size_t limit = query.count("limit") ? pageLimit(query) : 1000;
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  if (monitor_id != 0) visibleMonitor(monitors, caller, monitor_id);
  Json body;
  body["findings"] = Json::array();
  for (const auto& f : monitors.findings(monitor_id, state, ownerFilter(caller), limit)) {
    body["findings"].push_back(findingRowJson(f));
  }
  return jsonResponse(200, body);
}

HttpResponse MonitorRoutes::acknowledge(const Caller& caller, std::int64_t id) {
  auto store = pool_.take();
  store::MonitorStore monitors(*store);
  auto f = monitors.finding(id);
  if (!f) throw ApiError(404, "not_found", "no such finding");
  visibleMonitor(monitors, caller, f->monitor_id);
  monitors.acknowledge(id, caller.name);
  return jsonResponse(200, findingRowJson(*monitors.finding(id)));
}

}  // namespace portlens::server
