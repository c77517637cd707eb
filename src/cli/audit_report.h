// How `portlens audit` writes its findings: text for people, JSON, or NDJSON for pipelines
// ({"type":"finding",...} per finding, then {"type":"summary",...}); and the events of
// `audit --local --watch`. Writes to the given stream only; main thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "policy/finding.h"

namespace portlens::cli {

enum class ReportFormat { kText, kJson, kNdjson };
// "text", "json", "ndjson"; throws core::UsageError otherwise.
ReportFormat parseReportFormat(std::string_view name);

struct AuditSummary {
  std::string policy;       // the policy file
  bool local = false;       // --local: `hosts` counts listeners
  std::uint64_t hosts = 0;  // scanned hosts that answered, or listening sockets
  bool service_detection = false;
  bool interrupted = false;
  double elapsed_seconds = 0;
};

void writeAuditReport(std::ostream& out, ReportFormat format,
                      const std::vector<policy::Finding>& findings, const AuditSummary& summary);

// --watch: one finding that appeared ("finding_opened") or went away ("finding_resolved"),
// flushed at once. JSON formats write one line {"type":EVENT,"at":ISO8601,"finding":{...}}.
void writeWatchEvent(std::ostream& out, ReportFormat format, std::string_view event,
                     const policy::Finding& finding, std::chrono::system_clock::time_point at);

}  // namespace portlens::cli
