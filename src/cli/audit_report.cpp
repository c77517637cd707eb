#include "cli/audit_report.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "output/json_records.h"
#include "output/time_format.h"
#include "policy/audit.h"
#include "policy/finding_json.h"

namespace portlens::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr policy::FindingKind kAuditKinds[] = {policy::FindingKind::kUnexpectedOpen,
                                               policy::FindingKind::kMissing,
                                               policy::FindingKind::kExpired,
                                               policy::FindingKind::kServiceMismatch,
                                               policy::FindingKind::kUnexpectedListener,
                                               policy::FindingKind::kProcessMismatch};

Json summaryJson(const std::vector<policy::Finding>& findings, const AuditSummary& summary) {
  const policy::FindingCounts counts = policy::countFindings(findings);
  Json by_kind = Json::object();
  for (policy::FindingKind kind : kAuditKinds) {
    by_kind[std::string(policy::toString(kind))] = counts.by_kind[static_cast<std::size_t>(kind)];
  }
  Json json = Json::object();
  json["findings"] = counts.total;
  json["by_kind"] = by_kind;
  json["policy"] = summary.policy;
  json[summary.local ? "listeners" : "hosts"] = summary.hosts;
  if (!summary.local) json["service_detection"] = summary.service_detection;
  json["interrupted"] = summary.interrupted;
  json["elapsed_s"] = std::round(summary.elapsed_seconds * 1000.0) / 1000.0;
  return json;
}

std::string summaryText(const std::vector<policy::Finding>& findings, const AuditSummary& summary) {
  const std::string scope = summary.local ? fmt::format("{} listening sockets", summary.hosts)
                                          : fmt::format("{} hosts", summary.hosts);
  if (findings.empty()) return fmt::format("No findings: {} match {}", scope, summary.policy);
  const policy::FindingCounts counts = policy::countFindings(findings);
  std::string kinds;
  for (policy::FindingKind kind : kAuditKinds) {
    const std::size_t n = counts.by_kind[static_cast<std::size_t>(kind)];
    if (n == 0) continue;
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, policy::toString(kind));
  }
  return fmt::format("{} finding{} ({}) on {} against {}", counts.total,
                     counts.total == 1 ? "" : "s", kinds, scope, summary.policy);
}

}  // namespace

ReportFormat parseReportFormat(std::string_view name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  if (name == "ndjson") return ReportFormat::kNdjson;
  throw core::UsageError(fmt::format("unknown format '{}' (text, json, ndjson)", name));
}

void writeAuditReport(std::ostream& out, ReportFormat format,
                      const std::vector<policy::Finding>& findings, const AuditSummary& summary) {
  switch (format) {
    case ReportFormat::kText:
      for (const auto& finding : findings) out << policy::findingText(finding) << '\n';
      out << summaryText(findings, summary) << (summary.interrupted ? " (interrupted)" : "")
          << '\n';
      break;
    case ReportFormat::kNdjson:
      for (const auto& finding : findings) {
        out << output::dumpJson(output::typed("finding", policy::findingJson(finding))) << '\n';
      }
      out << output::dumpJson(output::typed("summary", summaryJson(findings, summary))) << '\n';
      break;
    case ReportFormat::kJson: {
      Json json = Json::object();
      Json& list = json["findings"] = Json::array();
      for (const auto& finding : findings) list.push_back(policy::findingJson(finding));
      json["summary"] = summaryJson(findings, summary);
      out << output::dumpJson(json) << '\n';
      break;
    }
  }
  out.flush();
}

void writeWatchEvent(std::ostream& out, ReportFormat format, std::string_view event,
                     const policy::Finding& finding, std::chrono::system_clock::time_point at) {
  if (format == ReportFormat::kText) {
    out << fmt::format("{} {} {}\n", output::iso8601Utc(at), event == "finding_opened" ? "+" : "-",
                       policy::findingText(finding));
  } else {
    Json json = Json::object();
    json["type"] = event;
    json["at"] = output::iso8601Utc(at);
    json["finding"] = policy::findingJson(finding);
    out << output::dumpJson(json) << '\n';
  }
  out.flush();
}

}  // namespace portlens::cli
