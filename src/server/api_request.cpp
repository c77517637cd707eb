#include "server/api_request.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/port_spec.h"
#include "server/api_error.h"

namespace portlens::server {
namespace {

core::PortSet topPorts(const registry::PortRegistry& registry, std::size_t count) {
  core::PortSet set;
  for (auto port : registry.topPorts(count)) set.add(port);
  return set;
}

core::PortSet parsePorts(const std::string& text, const registry::PortRegistry& registry) {
  if (text == "top100") return topPorts(registry, 100);
  if (text == "top1000" || text.empty()) return topPorts(registry, 1000);
  if (text == "all") return core::PortSet::range(1, 65535);
  try {
    return core::parsePortSpec(text,
                               [&](std::string_view name) { return registry.portsForName(name); });
  } catch (const core::UsageError& e) {
    throw ApiError(400, "invalid_ports", e.what());
  }
}

// What the user chose, for lists: the preset name or the spec as typed (parsePorts accepted
// it), cut to kMaxPortsLabel bytes at a UTF-8 boundary (the JSON parser checked the encoding).
constexpr std::size_t kMaxPortsLabel = 100;

std::string portsLabel(const std::string& text) {
  if (text.empty()) return "top1000";
  if (text.size() <= kMaxPortsLabel) return text;
  std::size_t cut = kMaxPortsLabel;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\u2026";
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 &&
               hexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

nlohmann::json parseJsonObject(std::string_view body, std::size_t max_bytes) {
  if (body.size() > max_bytes) throw ApiError(413, "body_too_large", "request body too large");
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) throw ApiError(400, "invalid_json", "the request body is not valid JSON");
  if (!doc.is_object()) throw ApiError(400, "invalid_json", "the request body must be an object");
  return doc;
}

ScanRequest parseScanRequest(std::string_view body, const registry::PortRegistry& registry,
                             const SynCheck& syn_available) {
  const auto doc = parseJsonObject(body);
  auto field = [&](const char* name) -> std::string {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) return {};
    if (!it->is_string()) {
      throw ApiError(400, "invalid_field", std::string("'") + name + "' must be a string");
    }
    return it->get<std::string>();
  };
  ScanRequest request;
  request.targets = field("targets");
  if (request.targets.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ApiError(400, "invalid_target", "'targets' is required");
  }
  const std::string mode = field("mode");
  const auto type = mode.empty() ? scan::ScanType::kConnect : scan::parseScanType(mode);
  if (!type) throw ApiError(400, "invalid_field", "'mode' must be \"connect\" or \"syn\"");
  if (*type == scan::ScanType::kSyn && !(syn_available && syn_available())) {
    throw ApiError(422, "mode_unavailable",
                   "no SYN-capable runner is live: SYN scans need serve started as root or with "
                   "CAP_NET_RAW (its SYN runner), or a `portlens worker` with raw sockets on this "
                   "database; use mode \"connect\"");
  }
  request.mode = *type;
  if (auto it = doc.find("rate"); it != doc.end() && !it->is_null()) {
    if (!it->is_number() || it->get<double>() < 1 || it->get<double>() > 1e6) {
      throw ApiError(400, "invalid_field",
                     "'rate' must be a number of probes per second, 1-1000000");
    }
    request.rate = it->get<double>();
  }
  if (auto it = doc.find("service_detection"); it != doc.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      throw ApiError(400, "invalid_field", "'service_detection' must be true or false");
    }
    request.service_detection = it->get<bool>();
  }
  const std::string ports = field("ports");
  request.ports = parsePorts(ports, registry);
  request.ports_label = portsLabel(ports);
  if (request.ports.empty()) throw ApiError(400, "invalid_ports", "no ports to scan");
  return request;
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < query.size()) {
    auto amp = query.find('&', pos);
    if (amp == query.npos) amp = query.size();
    auto item = query.substr(pos, amp - pos);
    auto eq = item.find('=');
    if (!item.empty()) {
      out[decode(item.substr(0, eq))] = eq == item.npos ? "" : decode(item.substr(eq + 1));
    }
    pos = amp + 1;
  }
  return out;
}

output::Format parseResultFormat(const std::optional<std::string>& value) {
  if (!value || *value == "ndjson") return output::Format::kNdjson;
  if (*value == "json") return output::Format::kJson;
  if (*value == "csv") return output::Format::kCsv;
  if (*value == "xml") return output::Format::kXml;
  throw ApiError(400, "invalid_format", "format must be ndjson, json, csv or xml");
}

std::set<scan::PortState> parseStates(const std::optional<std::string>& value) {
  if (!value || value->empty()) return {scan::PortState::kOpen, scan::PortState::kFiltered};
  if (*value == "all") return {scan::kAllPortStates.begin(), scan::kAllPortStates.end()};
  std::set<scan::PortState> out;
  std::string_view s = *value;
  while (true) {
    auto comma = s.find(',');
    auto state = scan::parsePortState(s.substr(0, comma));
    if (!state) throw ApiError(400, "invalid_states", "states: open, closed, filtered or all");
    out.insert(*state);
    if (comma == s.npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<std::string> parseBearer(std::string_view header) {
  if (header.empty()) return std::nullopt;
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.substr(0, kPrefix.size()) != kPrefix) {
    throw ApiError(401, "unauthorized", "Authorization must be 'Bearer TOKEN'");
  }
  return std::string(header.substr(kPrefix.size()));
}

std::int64_t parseId(std::string_view segment) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), id);
  if (segment.empty() || ec != std::errc{} || end != segment.data() + segment.size() || id <= 0) {
    throw ApiError(404, "not_found", "no such scan");
  }
  return id;
}

}  // namespace portlens::server
