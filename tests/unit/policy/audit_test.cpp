#include "policy/audit.h"

#include <gtest/gtest.h>

#include <memory>

#include "policy/policy_parser.h"

namespace portlens::policy {
namespace {

using S = scan::PortState;
using K = FindingKind;

constexpr std::chrono::year_month_day kToday = std::chrono::year(2027) / 1 / 15;

constexpr const char* kPolicy = R"(hosts:
  - match: 198.19.0.0/30
    ports:
      - port: 22
        service: ssh
        owner: infra
      - port: 443
        service: http
        tunnel: ssl
        owner: web
      - port: 8000-8002
        owner: apps
      - port: 9100-9110
        optional: true
      - port: 2222
        expires: 2027-01-14
        owner: old
      - port: 2223
        expires: 2027-01-15
  - match: 198.19.0.1
    ports:
      - port: 3306
  - match: local
    ports:
      - port: 5432
        process: postgres
        owner: dba
      - port: 6379
      - port: 7000
        expires: 2026-12-31
)";

scan::PortRecord rec(const char* ip, std::uint16_t port, S state, const char* service = nullptr,
                     bool ssl = false) {
  scan::PortRecord r;
  r.ip = core::IpAddress::parse(ip).value();
  r.port = port;
  r.state = state;
  if (service != nullptr) {
    auto info = std::make_shared<scan::ServiceInfo>();
    info->name = service;
    info->ssl_tunnel = ssl;
    r.service = info;
  }
  return r;
}

struct Expected {
  K kind;
  const char* ip;
  std::uint16_t port;
  const char* state;
};

void expectFindings(const std::vector<Finding>& findings, const std::vector<Expected>& expected) {
  ASSERT_EQ(findings.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(findings[i].kind, expected[i].kind) << toString(findings[i].kind);
    EXPECT_EQ(findings[i].ip.toString(), expected[i].ip);
    EXPECT_EQ(findings[i].port, expected[i].port);
    EXPECT_EQ(findings[i].state, expected[i].state);
  }
}

// A host where everything the policy documents is as documented.
std::vector<scan::PortRecord> conformingHost(const char* ip) {
  return {rec(ip, 22, S::kOpen, "ssh"), rec(ip, 443, S::kOpen, "http", true),
          rec(ip, 8001, S::kOpen),      rec(ip, 9100, S::kClosed),
          rec(ip, 2222, S::kClosed),    rec(ip, 2223, S::kOpen)};
}

TEST(Audit, ConformingHostHasNoFinding) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  EXPECT_TRUE(audit(policy, conformingHost("198.19.0.2"), kToday).empty());
}

TEST(Audit, KindsOfFindings) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  struct Case {
    const char* name;
    std::vector<scan::PortRecord> changes;  // replace or add to the conforming host
    std::vector<Expected> expected;
  };
  const char* h = "198.19.0.2";
  const std::vector<Case> cases = {
      {"undocumented open port", {rec(h, 8080, S::kOpen)}, {{K::kUnexpectedOpen, h, 8080, "open"}}},
      {"closed undocumented port", {rec(h, 8080, S::kClosed)}, {}},
      {"documented port closed", {rec(h, 22, S::kClosed)}, {{K::kMissing, h, 22, "closed"}}},
      {"documented port filtered", {rec(h, 22, S::kFiltered)}, {{K::kMissing, h, 22, "filtered"}}},
      {"range with another port open", {rec(h, 8001, S::kClosed), rec(h, 8002, S::kOpen)}, {}},
      {"range with nothing open", {rec(h, 8001, S::kClosed)}, {{K::kMissing, h, 8000, ""}}},
      {"expired entry, port open", {rec(h, 2222, S::kOpen)}, {{K::kExpired, h, 2222, "open"}}},
      {"expires today: still valid", {rec(h, 2223, S::kOpen)}, {}},
      {"optional range port open", {rec(h, 9105, S::kOpen)}, {}},
      {"wrong service", {rec(h, 22, S::kOpen, "http")}, {{K::kServiceMismatch, h, 22, "open"}}},
      {"tunnel missing",
       {rec(h, 443, S::kOpen, "http", false)},
       {{K::kServiceMismatch, h, 443, "open"}}},
      {"no -sV: no service check", {rec(h, 22, S::kOpen)}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<scan::PortRecord> records = conformingHost(h);
    for (const auto& change : c.changes) {
      std::erase_if(records, [&](const auto& r) { return r.port == change.port; });
      records.push_back(change);
    }
    expectFindings(audit(policy, records, kToday), c.expected);
  }
}

TEST(Audit, HostSpecificEntriesAddToTheBlock) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  auto records = conformingHost("198.19.0.1");
  records.push_back(rec("198.19.0.1", 3306, S::kClosed));
  records.push_back(rec("198.19.0.9", 3306, S::kOpen));  // outside the /30: nothing documented
  expectFindings(audit(policy, records, kToday),
                 {{K::kMissing, "198.19.0.1", 3306, "closed"},
                  {K::kUnexpectedOpen, "198.19.0.9", 3306, "open"}});
}

TEST(Audit, HostsThatNeverAnsweredAreNotAudited) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  const std::vector<scan::PortRecord> records = {rec("198.19.0.3", 22, S::kFiltered),
                                                 rec("198.19.0.3", 443, S::kFiltered)};
  EXPECT_TRUE(audit(policy, records, kToday).empty());
}

TEST(Audit, FindingsCarryOwnerExpectedAndDetail) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  auto records = conformingHost("198.19.0.2");
  records[0] = rec("198.19.0.2", 22, S::kOpen, "telnet");
  records[4] = rec("198.19.0.2", 2222, S::kOpen);
  const auto findings = audit(policy, records, kToday);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].owner, "infra");
  EXPECT_EQ(findings[0].expected, "ssh");
  EXPECT_EQ(findings[0].service, "telnet");
  EXPECT_EQ(findings[1].expected, "2027-01-14");
  EXPECT_EQ(findings[1].owner, "old");
  EXPECT_NE(findings[1].detail.find("expired on 2027-01-14"), std::string::npos);
}

TEST(Audit, TableNamedServiceIsNoDetection) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  auto records = conformingHost("198.19.0.2");
  auto info = std::make_shared<scan::ServiceInfo>();
  info->name = "http";
  info->method = scan::ServiceMethod::kTable;
  records[0].service = info;
  EXPECT_TRUE(audit(policy, records, kToday).empty());
}

Listener listener(const char* ip, std::uint16_t port, const char* process) {
  Listener l;
  l.ip = core::IpAddress::parse(ip).value();
  l.port = port;
  if (process != nullptr) l.process = ProcessInfo{42, process, "alice"};
  return l;
}

TEST(AuditLocal, KindsOfFindings) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  struct Case {
    const char* name;
    std::vector<Listener> listeners;
    std::vector<Expected> expected;
  };
  const std::vector<Case> cases = {
      {"as documented",
       {listener("0.0.0.0", 5432, "postgres"), listener("::", 5432, "postgres"),
        listener("127.0.0.1", 6379, "redis-server")},
       {}},
      {"unknown holder is no mismatch",
       {listener("0.0.0.0", 5432, nullptr), listener("127.0.0.1", 6379, nullptr)},
       {}},
      {"new listener",
       {listener("0.0.0.0", 5432, "postgres"), listener("127.0.0.1", 6379, "redis-server"),
        listener("127.0.0.1", 8080, "python3")},
       {{K::kUnexpectedListener, "127.0.0.1", 8080, "listening"}}},
      {"wrong process",
       {listener("0.0.0.0", 5432, "nc"), listener("127.0.0.1", 6379, "redis-server")},
       {{K::kProcessMismatch, "0.0.0.0", 5432, "listening"}}},
      {"missing",
       {listener("127.0.0.1", 6379, "redis-server")},
       {{K::kMissing, "0.0.0.0", 5432, ""}}},
      {"expired",
       {listener("0.0.0.0", 5432, "postgres"), listener("127.0.0.1", 6379, "redis-server"),
        listener("127.0.0.1", 7000, "old")},
       {{K::kExpired, "127.0.0.1", 7000, "listening"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto findings = auditLocal(policy, c.listeners, kToday);
    expectFindings(findings, c.expected);
    for (const Finding& finding : findings) EXPECT_TRUE(finding.local);
  }
}

TEST(AuditLocal, UnexpectedListenerNamesItsProcess) {
  const PortPolicy policy = parsePolicy(kPolicy, "p.yaml");
  const auto findings =
      auditLocal(policy,
                 {listener("0.0.0.0", 5432, "postgres"), listener("127.0.0.1", 6379, "redis"),
                  listener("127.0.0.1", 8080, "python3")},
                 kToday);
  ASSERT_EQ(findings.size(), 1u);
  ASSERT_TRUE(findings[0].process.has_value());
  EXPECT_EQ(findings[0].process->pid, 42);
  EXPECT_EQ(findings[0].process->name, "python3");
  EXPECT_EQ(findings[0].process->user, "alice");
}

TEST(Audit, CountsAndDay) {
  std::vector<Finding> findings(3);
  findings[1].kind = K::kMissing;
  const FindingCounts counts = countFindings(findings);
  EXPECT_EQ(counts.total, 3u);
  EXPECT_EQ(counts.by_kind[static_cast<int>(K::kUnexpectedOpen)], 2u);
  EXPECT_EQ(counts.by_kind[static_cast<int>(K::kMissing)], 1u);
  // 2027-01-15T23:59:59Z
  const auto time = std::chrono::sys_days(kToday) + std::chrono::hours(23) +
                    std::chrono::minutes(59) + std::chrono::seconds(59);
  EXPECT_EQ(utcDay(time), kToday);
}

}  // namespace
}  // namespace portlens::policy
