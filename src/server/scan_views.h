// JSON and export renderings of stored scans. Pure given the rows and records: the routes
// fetch from the store, these shape the answer.
//   scanJson:    the GET /api/v1/scans/{id} object (status, progress 0..1, counts, ...)
//   renderResults: the CLI's formatters over stored records, so the API emits exactly the
//                records `portlens scan --format F` would (begin, ports grouped per host
//                then host(), end)
//   diffJson:    the GET /api/v1/scans/{a}/diff/{b} object
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "output/formatter.h"
#include "registry/port_registry.h"
#include "server/http_types.h"
#include "server/scan_diff.h"
#include "store/scan_store.h"

namespace portlens::server {

using Json = nlohmann::ordered_json;

// The API's JSON answer. Bodies carry text a scanned peer filled in (products, versions,
// banners): bytes that are not UTF-8 become U+FFFD instead of an exception (output::dumpJson's
// rule for records).
HttpResponse jsonResponse(int status, const Json& body);

Json scanJson(const store::ScanRow& row);

// Per-host counts over every state (shown or not), for host records.
using HostCounts = std::map<core::IpAddress, scan::StateCounts>;

std::string renderResults(const store::ScanRow& row, std::vector<scan::PortRecord> records,
                          const HostCounts& host_counts, output::Format format,
                          const std::set<scan::PortState>& shown,
                          const registry::PortRegistry& registry);

Json diffJson(const store::ScanRow& a, const store::ScanRow& b, const ScanDiff& diff,
              const registry::PortRegistry& registry);

std::string contentTypeOf(output::Format format);

}  // namespace portlens::server
