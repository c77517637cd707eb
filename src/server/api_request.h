// Parsing of what clients send: the body of POST /api/v1/scans, query parameters, the
// Authorization header. Pure; errors throw ApiError 400/422 with the field named.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/port_set.h"
#include "output/formatter.h"
#include "registry/port_registry.h"
#include "scan/records.h"

namespace portlens::server {

struct ScanRequest {
  std::string targets;  // as typed; the policy parses it
  core::PortSet ports;
  scan::ScanType mode = scan::ScanType::kConnect;
  double rate = 0;                 // probes per second at most; 0 = as fast as answers allow
  std::string ports_label;         // "top100", "top1000", "all" or the spec as typed (<= 100 bytes)
  bool service_detection = false;  // probe open ports and name their services (-sV)
};

// A request body as a JSON object: 413 body_too_large above `max_bytes`, 400 invalid_json when
// it is not JSON or not an object. Every JSON body of the API is read through it.
inline constexpr std::size_t kMaxJsonBody = std::size_t{64} * 1024;
nlohmann::json parseJsonObject(std::string_view body, std::size_t max_bytes = kMaxJsonBody);

// {"targets": "198.19.0.7 example.org", "ports": "top100"|"top1000"|"all"|SPEC,
//  "mode": "connect"|"syn", "rate": PPS (optional, 1..1000000),
//  "service_detection": true|false (optional, default false; anything else is 400)}.
// ports defaults to top1000.
// Asked only for mode "syn": whether a SYN-capable runner is live (syn_runners.h); when it
// says no (or is empty), mode "syn" is refused (422 mode_unavailable, with the reason).
using SynCheck = std::function<bool()>;
ScanRequest parseScanRequest(std::string_view body, const registry::PortRegistry& registry,
                             const SynCheck& syn_available = {});

// "a=1&b=x%20y" -> map (later keys win). Percent-decoding; '+' is a space.
std::map<std::string, std::string> parseQuery(std::string_view query);

// ?format= for results: ndjson (default), json, csv, xml.
output::Format parseResultFormat(const std::optional<std::string>& value);

// ?states=open,closed,filtered|all; default open,filtered (the CLI's default).
std::set<scan::PortState> parseStates(const std::optional<std::string>& value);

// "Bearer TOKEN" -> TOKEN; nullopt when absent; throws 401 when malformed.
std::optional<std::string> parseBearer(std::string_view header);

// A positive decimal id from a path segment; throws 404 when it is not one.
std::int64_t parseId(std::string_view segment);

}  // namespace portlens::server
