// The JSON shape of each record, shared by the json and ndjson formats so both say exactly
// the same thing. Keys keep insertion order (ordered_json) so output reads like the docs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "registry/port_registry.h"
#include "scan/records.h"

namespace portlens::output {

using Json = nlohmann::ordered_json;

// Whether a port object names its host (ndjson lines stand alone; json nests ports in hosts).
enum class HostFields : bool { kOmit, kInclude };

Json scanJson(const scan::ScanInfo& info);
Json portJson(const scan::PortRecord& record, const registry::PortRegistry& registry,
              HostFields host_fields);
Json countsJson(const scan::StateCounts& counts);
Json hostJson(const scan::HostRecord& host);  // ip, hostname (when known), counts
Json summaryJson(const scan::ScanSummary& summary, std::string_view command_line);

// {"type": type} followed by the members of `fields`.
Json typed(std::string_view type, const Json& fields);

// Compact, one line. Bytes that are not UTF-8 (a hostname or argument in another encoding)
// become U+FFFD instead of throwing, so a scan's output can always be written.
std::string dumpJson(const Json& value);

}  // namespace portlens::output
