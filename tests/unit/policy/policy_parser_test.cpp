#include "policy/policy_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace portlens::policy {
namespace {

using ::testing::HasSubstr;

constexpr const char* kIssueExample = R"(# ports.yaml
hosts:
  - match: 198.19.0.0/24            # address, CIDR, range, hostname, or "local"
    ports:
      - port: 22
        service: ssh
        owner: infra
        purpose: admin access through the bastion
      - port: 443
        service: http
        tunnel: ssl
        owner: web
        expires: 2027-06-30
      - port: 9100-9110
        optional: true
        owner: monitoring
  - match: local
    ports:
      - port: 5432
        process: postgres
        owner: dba
)";

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

TEST(PolicyParser, ReadsTheIssueExample) {
  const PortPolicy policy = parsePolicy(kIssueExample, "ports.yaml");
  ASSERT_EQ(policy.hosts.size(), 2u);
  const HostEntry& lab = policy.hosts[0];
  EXPECT_EQ(lab.kind, MatchKind::kAddresses);
  EXPECT_TRUE(lab.addresses.contains(ip("198.19.0.200")));
  EXPECT_FALSE(lab.addresses.contains(ip("198.19.1.1")));
  ASSERT_EQ(lab.ports.size(), 3u);
  EXPECT_EQ(lab.ports[0].first, 22);
  EXPECT_EQ(lab.ports[0].service, "ssh");
  EXPECT_EQ(lab.ports[0].purpose, "admin access through the bastion");
  EXPECT_EQ(lab.ports[0].position.line, 5);
  EXPECT_EQ(lab.ports[1].tunnel, "ssl");
  ASSERT_TRUE(lab.ports[1].expires.has_value());
  EXPECT_EQ(*lab.ports[1].expires, std::chrono::year(2027) / 6 / 30);
  EXPECT_EQ(lab.ports[2].first, 9100);
  EXPECT_EQ(lab.ports[2].last, 9110);
  EXPECT_TRUE(lab.ports[2].optional);
  EXPECT_EQ(policy.hosts[1].kind, MatchKind::kLocal);
  EXPECT_EQ(policy.hosts[1].ports[0].process, "postgres");
}

TEST(PolicyParser, MatchForms) {
  struct Case {
    const char* match;
    MatchKind kind;
    const char* inside;   // an address the match covers ("" for none)
    const char* outside;  // one it does not
  };
  const Case cases[] = {
      {"198.19.0.7", MatchKind::kAddresses, "198.19.0.7", "198.19.0.8"},
      {"198.19.0.0/30", MatchKind::kAddresses, "198.19.0.3", "198.19.0.4"},
      {"198.19.0.1-20", MatchKind::kAddresses, "198.19.0.20", "198.19.0.21"},
      {"198.19.0.250-198.19.1.5", MatchKind::kAddresses, "198.19.1.0", "198.19.1.6"},
      {"2001:2::/126", MatchKind::kAddresses, "2001:2::3", "2001:2::4"},
      {"2001:2::1-2001:2::9", MatchKind::kAddresses, "2001:2::9", "2001:2::a"},
      {"db.lab.example", MatchKind::kHostname, "", "198.19.0.1"},
      {"local", MatchKind::kLocal, "", "127.0.0.1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.match);
    const std::string yaml = std::string("hosts:\n  - match: ") + c.match + "\n    ports: []\n";
    const PortPolicy policy = parsePolicy(yaml, "p.yaml");
    ASSERT_EQ(policy.hosts.size(), 1u);
    EXPECT_EQ(policy.hosts[0].kind, c.kind);
    EXPECT_EQ(policy.hosts[0].match, c.match);
    if (*c.inside) {
      EXPECT_TRUE(policy.hosts[0].addresses.contains(ip(c.inside)));
    }
    EXPECT_FALSE(policy.hosts[0].addresses.contains(ip(c.outside)));
  }
}

TEST(PolicyParser, ErrorsNameFileLineAndColumn) {
  struct Case {
    const char* yaml;
    const char* message;  // the whole "FILE:LINE:COL: ..." prefix and a part of the text
  };
  const Case cases[] = {
      {"hosts:\n  - match: 198.19.0.7\n    prots: []\n", "p.yaml:3:5: unknown key 'prots'"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 70000\n",
       "p.yaml:4:15: `port` must be a port"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 10-5\n", "p.yaml:4:15:"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 0\n", "p.yaml:4:15:"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 22\n        expires: 2027-02-30\n",
       "p.yaml:5:18: `expires` must be a date"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 22\n        process: sshd\n",
       "p.yaml:5:18: `process` is only for `match: local`"},
      {"hosts:\n  - match: 198.19.0.300\n", "p.yaml:2:12: `match`:"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - service: ssh\n",
       "p.yaml:4:9: port entry without `port:`"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 22\n        optional: maybe\n",
       "p.yaml:5:19: `optional` is true or false"},
      {"hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 22\n        tunnel: tls\n",
       "p.yaml:5:17: `tunnel` is ssl or none"},
      {"hosts:\n  - match: 198.19.0.7\n    match: 198.19.0.8\n",
       "p.yaml:3:5: repeated key 'match'"},
      {"hosts:\n  - ports: []\n", "p.yaml:2:5: host without `match:`"},
      {"hosts: [\n", "p.yaml:"},
      {"", "p.yaml:"},
      {"version: 1\n", "p.yaml:1:1: unknown key 'version'"},
      {"hosts:\n  - match: [1, 2]\n", "p.yaml:2:12: `match` must be a single value"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    try {
      parsePolicy(c.yaml, "p.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const PolicyError& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.message));
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
    }
  }
}

TEST(PolicyParser, EmptyOwnerAndPurposeAreAccepted) {
  const PortPolicy policy = parsePolicy(
      "hosts:\n  - match: local\n    ports:\n      - port: 22\n        owner: \"\"\n"
      "        purpose:\n",
      "p.yaml");
  EXPECT_EQ(policy.hosts[0].ports[0].owner, "");
  EXPECT_EQ(policy.hosts[0].ports[0].purpose, "");
}

TEST(PolicyParser, ResolvesHostnamesThroughTheCaller) {
  PortPolicy policy =
      parsePolicy("hosts:\n  - match: db.lab.example\n    ports:\n      - port: 5432\n", "p.yaml");
  EXPECT_THROW(policyTargets(policy), core::UsageError);  // not resolved yet
  resolvePolicyHostnames(policy, [](const std::string& name) {
    EXPECT_EQ(name, "db.lab.example");
    return std::vector<core::IpAddress>{ip("198.19.0.9"), ip("2001:2::9")};
  });
  const core::TargetSet targets = policyTargets(policy);
  EXPECT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets.hostnameOf(ip("198.19.0.9")), "db.lab.example");
  EXPECT_THROW(resolvePolicyHostnames(
                   policy, [](const std::string&) { return std::vector<core::IpAddress>{}; }),
               core::UsageError);
}

TEST(PolicyParser, DocumentedPortsSplitLocalAndHosts) {
  const PortPolicy policy = parsePolicy(kIssueExample, "ports.yaml");
  const auto remote = documentedPorts(policy, false);
  EXPECT_EQ(remote.size(), 2u + 11u);
  EXPECT_EQ(documentedPorts(policy, true), std::vector<std::uint16_t>{5432});
}

}  // namespace
}  // namespace portlens::policy
