#include "cli/audit_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"

namespace portlens::cli {
namespace {

std::vector<policy::Finding> sampleFindings() {
  policy::Finding open;
  open.kind = policy::FindingKind::kUnexpectedOpen;
  open.ip = core::IpAddress::parse("198.19.0.7").value();
  open.port = 8080;
  open.state = "open";
  open.service = "http-proxy";
  open.detail = "open, not in the policy";
  policy::Finding missing;
  missing.kind = policy::FindingKind::kMissing;
  missing.ip = open.ip;
  missing.port = 22;
  missing.state = "closed";
  missing.expected = "open";
  missing.owner = "infra";
  return {missing, open};
}

AuditSummary sampleSummary() {
  AuditSummary summary;
  summary.policy = "ports.yaml";
  summary.hosts = 2;
  return summary;
}

TEST(AuditReport, NdjsonFindingsThenSummary) {
  std::ostringstream out;
  writeAuditReport(out, ReportFormat::kNdjson, sampleFindings(), sampleSummary());
  const std::string text = out.str();
  EXPECT_NE(text.find(R"({"type":"finding","kind":"unexpected_open","ip":"198.19.0.7",)"
                      R"("port":8080,"state":"open","service":"http-proxy",)"),
            std::string::npos)
      << text;
  const auto last_line = text.substr(text.rfind('\n', text.size() - 2) + 1);
  EXPECT_EQ(last_line.rfind(R"({"type":"summary","findings":2,"by_kind":{"unexpected_open":1,)"
                            R"("missing":1,)",
                            0),
            0u)
      << last_line;
  EXPECT_NE(last_line.find(R"("policy":"ports.yaml","hosts":2,)"), std::string::npos);
}

TEST(AuditReport, TextSaysWhatAndHowMany) {
  std::ostringstream out;
  writeAuditReport(out, ReportFormat::kText, sampleFindings(), sampleSummary());
  EXPECT_NE(out.str().find("198.19.0.7:8080 unexpected_open (open, http-proxy)"),
            std::string::npos);
  EXPECT_NE(out.str().find("2 findings (1 unexpected_open, 1 missing) on 2 hosts against "
                           "ports.yaml"),
            std::string::npos)
      << out.str();
  std::ostringstream clean;
  writeAuditReport(clean, ReportFormat::kText, {}, sampleSummary());
  EXPECT_EQ(clean.str(), "No findings: 2 hosts match ports.yaml\n");
}

TEST(AuditReport, JsonIsOneDocument) {
  std::ostringstream out;
  writeAuditReport(out, ReportFormat::kJson, sampleFindings(), sampleSummary());
  const auto json = nlohmann::json::parse(out.str());
  EXPECT_EQ(json["findings"].size(), 2u);
  EXPECT_EQ(json["summary"]["findings"], 2);
}

TEST(AuditReport, WatchEventsAreOneLineEach) {
  std::ostringstream out;
  const auto at = std::chrono::sys_days(std::chrono::year(2026) / 12 / 2);
  writeWatchEvent(out, ReportFormat::kNdjson, "finding_opened", sampleFindings()[1], at);
  EXPECT_EQ(
      out.str().rfind(R"({"type":"finding_opened","at":"2026-12-02T00:00:00Z","finding":{)", 0), 0u)
      << out.str();
  EXPECT_THROW(parseReportFormat("xml"), core::UsageError);
}

}  // namespace
}  // namespace portlens::cli
