#include "output/json_records.h"

#include <cmath>

#include "output/service_view.h"
#include "output/time_format.h"

namespace portlens::output {

namespace {

double roundTo3Decimals(double value) { return std::round(value * 1000.0) / 1000.0; }

void setIfAny(Json& json, const char* key, const std::string& value) {
  if (!value.empty()) json[key] = value;
}

Json tlsJson(const scan::TlsInfo& tls) {
  Json json = Json::object();
  json["version"] = tls.version;
  json["cipher"] = tls.cipher;
  setIfAny(json, "alpn", tls.alpn);
  json["subject"] = tls.subject;
  setIfAny(json, "common_name", tls.common_name);
  json["sans"] = tls.sans;
  json["issuer"] = tls.issuer;
  json["not_before"] = tls.not_before;
  json["not_after"] = tls.not_after;
  json["self_signed"] = tls.self_signed;
  json["expired"] = tls.expired;
  json["expires_soon"] = tls.expires_soon;
  json["sha256"] = tls.sha256;
  if (!tls.key_type.empty()) json["key"] = {{"type", tls.key_type}, {"bits", tls.key_bits}};
  return json;
}

// Detection's fields, after "service": nmap's names, and the banner escaped byte for byte.
void addDetectedFields(Json& json, const scan::ServiceInfo& info) {
  setIfAny(json, "product", info.product);
  setIfAny(json, "version", info.version);
  setIfAny(json, "extrainfo", info.extrainfo);
  setIfAny(json, "ostype", info.ostype);
  setIfAny(json, "devicetype", info.devicetype);
  setIfAny(json, "service_hostname", info.hostname);
  if (info.ssl_tunnel) json["tunnel"] = "ssl";
  if (!info.cpe.empty()) json["cpe"] = info.cpe;
  json["method"] = scan::toString(info.method);
  json["conf"] = info.confidence;
  if (info.tls) json["tls"] = tlsJson(*info.tls);
  if (!info.banner.empty()) json["banner"] = escapeBytes(info.banner);
}

}  // namespace

Json scanJson(const scan::ScanInfo& info) {
  Json json = Json::object();
  json["version"] = info.version;
  json["scan_type"] = scan::toString(info.type);
  json["command_line"] = info.command_line;
  json["ports"] = info.ports_spec;
  json["port_count"] = info.port_count;
  json["host_count"] = info.host_count;
  if (info.service_detection) json["service_detection"] = true;
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
  const ServiceView service = serviceView(record, registry);
  if (!service.name.empty()) json["service"] = service.name;
  if (service.detected != nullptr) addDetectedFields(json, *service.detected);
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
