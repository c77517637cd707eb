#include "output/json_records.h"

#include <cmath>

#include "output/time_format.h"

namespace portlens::output {

namespace {

double roundTo3Decimals(double value) { return std::round(value * 1000.0) / 1000.0; }

}  // namespace

Json scanJson(const scan::ScanInfo& info) {
  Json json = Json::object();
  json["version"] = info.version;
  json["scan_type"] = scan::toString(info.type);
  json["command_line"] = info.command_line;
  json["ports"] = info.ports_spec;
  json["port_count"] = info.port_count;
  json["host_count"] = info.host_count;
  json["started"] = iso8601Utc(info.started);
  return json;
}

Json portJson(const scan::PortRecord& record, const registry::PortRegistry& registry,
              HostFields host_fields) {
  Json json = Json::object();
  if (host_fields == HostFields::kInclude) {
    json["ip"] = record.ip.toString();
    if (!record.hostname.empty()) json["hostname"] = record.hostname;
  }
  json["port"] = record.port;
  json["proto"] = "tcp";
  json["state"] = scan::toString(record.state);
  json["reason"] = scan::toString(record.reason);
  if (record.rtt >= std::chrono::nanoseconds::zero()) {
    json["rtt_ms"] = roundTo3Decimals(static_cast<double>(record.rtt.count()) / 1e6);
  }
  if (record.ttl != 0) json["ttl"] = record.ttl;
  if (const std::string_view service = registry.serviceName(record.port); !service.empty()) {
    json["service"] = service;
  }
  return json;
}

Json countsJson(const scan::StateCounts& counts) {
  return Json{{"open", counts.open}, {"closed", counts.closed}, {"filtered", counts.filtered}};
}

Json hostJson(const scan::HostRecord& host) {
  Json json = Json::object();
  json["ip"] = host.ip.toString();
  if (!host.hostname.empty()) json["hostname"] = host.hostname;
  json["counts"] = countsJson(host.counts);
  return json;
}

Json summaryJson(const scan::ScanSummary& summary, std::string_view command_line) {
  Json json = Json::object();
  json["counts"] = countsJson(summary.totals);
  json["hosts"] = summary.hosts_completed;
  json["probes_sent"] = summary.probes_sent;
  json["elapsed_s"] = roundTo3Decimals(summary.elapsed_seconds);
  json["interrupted"] = summary.interrupted;
  json["command_line"] = command_line;
  json["finished"] = iso8601Utc(summary.finished);
  return json;
}

Json typed(std::string_view type, const Json& fields) {
  Json json = Json::object();
  json["type"] = type;
  for (const auto& [key, value] : fields.items()) json[key] = value;
  return json;
}

std::string dumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace portlens::output
