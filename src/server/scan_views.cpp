#include "server/scan_views.h"

#include <algorithm>
#include <sstream>
#include <tuple>

#include "output/json_records.h"
#include "output/service_view.h"

namespace portlens::server {
namespace {

Json timeOrNull(std::int64_t ms) {
  return ms == 0 ? Json(nullptr) : Json(static_cast<double>(ms) / 1000.0);
}

std::chrono::system_clock::time_point timePoint(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// Scans stored before ports_label existed: their compact spec when it is short, else the
// count (a top-1000 spec is hundreds of numbers, no use in a list).
std::string portsLabel(const store::ScanRow& row) {
  constexpr std::size_t kShortSpec = 40;
  if (!row.ports_label.empty()) return row.ports_label;
  if (row.ports_spec.size() <= kShortSpec) return row.ports_spec;
  return std::to_string(row.port_count) + " ports";
}

// One side of a change: its state, and what detection named (when it ran on the port).
Json sideJson(const scan::PortRecord& r) {
  Json j{{"state", scan::toString(r.state)}, {"reason", scan::toString(r.reason)}};
  if (r.service) {
    j["service"] = r.service->name;
    j["product"] = r.service->product;
    j["version"] = r.service->version;
    if (r.service->ssl_tunnel) j["tunnel"] = "ssl";
  }
  return j;
}

Json changeJson(const PortChange& c, const registry::PortRegistry& registry) {
  Json j;
  j["ip"] = c.after.ip.toString();
  j["port"] = c.after.port;
  j["service"] = output::serviceView(c.after, registry).name;  // detected, else the table's
  j["before"] = sideJson(c.before);
  j["after"] = sideJson(c.after);
  return j;
}

}  // namespace

HttpResponse jsonResponse(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Json scanJson(const store::ScanRow& row) {
  Json j;
  j["id"] = row.id;
  j["status"] = store::toString(row.status);
  j["targets"] = row.targets_text;
  j["ports"] = row.ports_spec;
  j["mode"] = std::string(scan::toString(row.mode));
  j["rate"] = row.rate > 0 ? Json(row.rate) : Json(nullptr);
  j["ports_label"] = portsLabel(row);
  j["service_detection"] = row.service_detection;
  const std::uint64_t total = row.host_count * row.port_count;
  double progress =
      total == 0 ? 1.0 : static_cast<double>(row.ports_done) / static_cast<double>(total);
  if (row.status == store::ScanStatus::kDone) progress = 1.0;
  j["progress"] = std::min(1.0, progress);
  j["counts"] = {
      {"open", row.counts.open}, {"closed", row.counts.closed}, {"filtered", row.counts.filtered}};
  j["hosts"] = row.host_count;
  j["port_count"] = row.port_count;
  j["ports_done"] = row.ports_done;
  j["ports_total"] = total;
  j["probes_sent"] = row.probes_sent;
  j["probes_per_second"] = row.probes_per_second;
  j["eta_seconds"] =
      row.eta_seconds < 0 || store::isFinal(row.status) ? Json(nullptr) : Json(row.eta_seconds);
  j["created"] = timeOrNull(row.created_ms);
  j["started"] = timeOrNull(row.started_ms);
  j["finished"] = timeOrNull(row.finished_ms);
  j["error"] = row.error.empty() ? Json(nullptr) : Json(row.error);
  j["resumed"] = row.attempts > 1;
  return j;
}

std::string contentTypeOf(output::Format format) {
  switch (format) {
    case output::Format::kJson:
      return "application/json";
    case output::Format::kNdjson:
      return "application/x-ndjson";
    case output::Format::kCsv:
      return "text/csv; charset=utf-8";
    case output::Format::kXml:
      return "application/xml";
    default:
      return "text/plain; charset=utf-8";
  }
}

std::string renderResults(const store::ScanRow& row, std::vector<scan::PortRecord> records,
                          const HostCounts& host_counts, output::Format format,
                          const std::set<scan::PortState>& shown,
                          const registry::PortRegistry& registry) {
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.ip, a.port) < std::tie(b.ip, b.port);
  });
  std::ostringstream out;
  output::FormatOptions options;
  options.shown_states = shown;
  options.states_explicit = true;
  auto formatter = output::makeFormatter(format, out, registry, options);

  scan::ScanInfo info;
  info.command_line = "portlens serve: scan " + std::to_string(row.id) + " of " + row.targets_text;
  info.version = PORTLENS_VERSION;
  info.type = row.mode;
  info.ports_spec = row.ports_spec;
  info.port_count = row.port_count;
  info.host_count = row.host_count;
  info.service_detection = row.service_detection;  // the CSV export then has service columns
  info.started = timePoint(row.started_ms ? row.started_ms : row.created_ms);
  formatter->begin(info);

  std::map<core::IpAddress, std::string> names;
  for (const auto& r : records) {
    if (!r.hostname.empty()) names[r.ip] = r.hostname;
  }
  auto hostRecord = [&](const core::IpAddress& ip) {
    scan::HostRecord host;
    host.ip = ip;
    if (auto it = names.find(ip); it != names.end()) host.hostname = it->second;
    if (auto it = host_counts.find(ip); it != host_counts.end()) host.counts = it->second;
    host.started = info.started;
    host.finished = timePoint(row.finished_ms ? row.finished_ms : row.started_ms);
    return host;
  };
  // Hosts with records, in address order; hosts that only have hidden states follow.
  std::set<core::IpAddress> emitted;
  for (std::size_t i = 0; i < records.size();) {
    const auto ip = records[i].ip;
    for (; i < records.size() && records[i].ip == ip; ++i) formatter->port(records[i]);
    formatter->host(hostRecord(ip));
    emitted.insert(ip);
  }
  for (const auto& [ip, counts] : host_counts) {
    if (!emitted.count(ip)) formatter->host(hostRecord(ip));
  }
  scan::ScanSummary summary;
  summary.totals = row.counts;
  summary.hosts_completed = host_counts.size();
  summary.probes_sent = row.probes_sent;
  const std::int64_t end_ms = row.finished_ms ? row.finished_ms : row.started_ms;
  summary.elapsed_seconds = row.started_ms && end_ms >= row.started_ms
                                ? static_cast<double>(end_ms - row.started_ms) / 1000.0
                                : 0;
  summary.interrupted = row.status != store::ScanStatus::kDone;
  summary.finished = timePoint(end_ms ? end_ms : row.created_ms);
  formatter->end(summary);
  return out.str();
}

Json diffJson(const store::ScanRow& a, const store::ScanRow& b, const ScanDiff& diff,
              const registry::PortRegistry& registry) {
  Json j;
  j["a"] = {{"id", a.id}, {"targets", a.targets_text}, {"status", store::toString(a.status)}};
  j["b"] = {{"id", b.id}, {"targets", b.targets_text}, {"status", store::toString(b.status)}};
  j["compared"] = diff.compared;
  for (const auto* key : {"opened", "closed", "changed"}) j[key] = Json::array();
  for (const auto& c : diff.opened) j["opened"].push_back(changeJson(c, registry));
  for (const auto& c : diff.closed) j["closed"].push_back(changeJson(c, registry));
  for (const auto& c : diff.changed) j["changed"].push_back(changeJson(c, registry));
  return j;
}

}  // namespace portlens::server
