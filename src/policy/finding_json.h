// A finding as JSON, the one shape every consumer shows (`portlens audit --format json|ndjson`,
// the server's findings API, webhook bodies): keys in this order, empty strings and absent
// values left out:
//   {"kind":"unexpected_open","local":false,"ip":"198.19.0.7","port":8080,"state":"open",
//    "service":"http-proxy","product":"...","version":"...","expected":"...",
//    "process":{"pid":1,"name":"postgres","user":"postgres"},"owner":"...","purpose":"...",
//    "detail":"..."}
// `local` is written only when true. Text fields may hold any bytes: serialise with
// output-style replacement of invalid UTF-8 (dump with error_handler_t::replace).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "policy/finding.h"

namespace portlens::policy {

nlohmann::ordered_json findingJson(const Finding& finding);

// The inverse, for stored findings; nullopt when a required key (kind, ip, port) is missing or
// has the wrong type. Unknown keys are ignored.
std::optional<Finding> findingFromJson(const nlohmann::json& json);

// One line for people: "198.19.0.7:8080 unexpected_open (open, http-proxy) - not in the policy".
// Control characters in peer-supplied text are escaped (core/screen_safe).
std::string findingText(const Finding& finding);

}  // namespace portlens::policy
