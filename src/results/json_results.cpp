// Portlens' own json and ndjson formats (output/json_records.h) read back.
#include <fmt/format.h>

#include <memory>

#include "results/result_builder.h"

namespace portlens::results {
namespace {

using Json = nlohmann::json;

std::string text(const Json& json, const char* key) {
  if (!json.contains(key) || !json.at(key).is_string()) return "";
  return json.at(key).get<std::string>();
}

std::optional<std::uint64_t> number(const Json& json, const char* key) {
  if (!json.contains(key) || !json.at(key).is_number_unsigned()) return std::nullopt;
  return json.at(key).get<std::uint64_t>();
}

// Detection's fields; only a port with "method" was looked at by -sV (a bare "service" is the
// port table's name, which every reader can look up again).
std::shared_ptr<const scan::ServiceInfo> serviceFromJson(const Json& json) {
  const std::string method = text(json, "method");
  if (method.empty()) return nullptr;
  auto info = std::make_shared<scan::ServiceInfo>();
  info->name = text(json, "service");
  info->product = text(json, "product");
  info->version = text(json, "version");
  info->extrainfo = text(json, "extrainfo");
  info->ostype = text(json, "ostype");
  info->devicetype = text(json, "devicetype");
  info->hostname = text(json, "service_hostname");
  info->ssl_tunnel = text(json, "tunnel") == "ssl";
  info->method = method == "probed" ? scan::ServiceMethod::kProbed : scan::ServiceMethod::kTable;
  if (auto conf = number(json, "conf"); conf && *conf <= 10) {
    info->confidence = static_cast<std::uint8_t>(*conf);
  }
  if (json.contains("cpe") && json.at("cpe").is_array()) {
    for (const Json& cpe : json.at("cpe")) {
      if (cpe.is_string()) info->cpe.push_back(cpe.get<std::string>());
    }
  }
  return info;
}

core::IpAddress ipOf(const Json& json, ResultBuilder& builder, std::size_t line) {
  const auto ip = core::IpAddress::parse(text(json, "ip"));
  if (!ip) builder.fail(line, "record without a valid \"ip\"");
  return *ip;
}

// A port object; `host` gives the ip when the object does not (the json format nests ports).
void addPortJson(const Json& json, const std::optional<scan::HostRecord>& host,
                 ResultBuilder& builder, std::size_t line) {
  if (!json.is_object()) builder.fail(line, "a port is not an object");
  const std::string proto = text(json, "proto");
  if (!proto.empty() && proto != "tcp") return;
  scan::PortRecord record;
  record.ip = host ? host->ip : ipOf(json, builder, line);
  record.hostname = host ? host->hostname : text(json, "hostname");
  const auto port = number(json, "port");
  if (!port || *port > 65535) builder.fail(line, "port record without a valid \"port\"");
  record.port = static_cast<std::uint16_t>(*port);
  const auto state = scan::parsePortState(text(json, "state"));
  if (!state) builder.fail(line, "port record without a valid \"state\"");
  record.state = *state;
  record.reason = parseReason(text(json, "reason")).value_or(defaultReason(*state));
  record.service = serviceFromJson(json);
  builder.addPort(std::move(record));
}

scan::HostRecord hostFromJson(const Json& json, ResultBuilder& builder, std::size_t line) {
  scan::HostRecord host;
  host.ip = ipOf(json, builder, line);
  host.hostname = text(json, "hostname");
  return host;
}

// A host with counts tells what its unlisted ports were.
void addHostCounts(const Json& json, scan::HostRecord host, ResultBuilder& builder) {
  if (!json.contains("counts") || !json.at("counts").is_object()) return;
  const Json& counts = json.at("counts");
  host.counts.open = number(counts, "open").value_or(0);
  host.counts.closed = number(counts, "closed").value_or(0);
  host.counts.filtered = number(counts, "filtered").value_or(0);
  builder.addHost(host);
}

void readScanInfo(const Json& json, ResultBuilder& builder) {
  if (!json.is_object()) return;
  builder.setScannedPorts(text(json, "ports"));
  if (json.contains("service_detection") && json.at("service_detection").is_boolean() &&
      json.at("service_detection").get<bool>()) {
    builder.setServiceDetection();
  }
}

}  // namespace

void readJsonResult(const nlohmann::json& document, ResultBuilder& builder) {
  if (document.contains("scan")) readScanInfo(document.at("scan"), builder);
  const Json& hosts = document.at("hosts");
  if (!hosts.is_array()) builder.fail(0, "\"hosts\" is not a list");
  for (const Json& json : hosts) {
    if (!json.is_object()) builder.fail(0, "a host is not an object");
    const scan::HostRecord host = hostFromJson(json, builder, 0);
    if (json.contains("ports") && json.at("ports").is_array()) {
      for (const Json& port : json.at("ports")) addPortJson(port, host, builder, 0);
    }
    addHostCounts(json, host, builder);
  }
}

void readNdjsonResult(std::string_view input, ResultBuilder& builder) {
  std::size_t line_number = 0;
  while (!input.empty()) {
    ++line_number;
    const auto end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const Json json = Json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) builder.fail(line_number, "not a JSON object");
    const std::string type = text(json, "type");
    if (type == "scan") {
      readScanInfo(json, builder);
    } else if (type == "port") {
      addPortJson(json, std::nullopt, builder, line_number);
    } else if (type == "host") {
      addHostCounts(json, hostFromJson(json, builder, line_number), builder);
    }  // summary, finding and future record types say nothing about ports
  }
}

}  // namespace portlens::results
