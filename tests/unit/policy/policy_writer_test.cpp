#include "policy/policy_writer.h"

#include <gtest/gtest.h>

#include "policy/policy_parser.h"

namespace portlens::policy {
namespace {

TEST(PolicyWriter, DraftParsesBackWithEveryPortAndEmptyOwner) {
  DraftHost host;
  host.ip = core::IpAddress::parse("198.19.0.7").value();
  host.hostname = "web.lab";
  host.ports = {{22, "ssh", "", ""}, {443, "http", "ssl", ""}, {8080, "", "", ""}};
  DraftHost local;
  local.local = true;
  local.ports = {{5432, "postgresql", "", "postgres"}};
  const std::string yaml = writeDraftPolicy({host, local}, "from scan.xml");
  EXPECT_NE(yaml.find("# from scan.xml"), std::string::npos);
  EXPECT_NE(yaml.find("TODO"), std::string::npos);
  const PortPolicy policy = parsePolicy(yaml, "draft.yaml");
  ASSERT_EQ(policy.hosts.size(), 2u);
  ASSERT_EQ(policy.hosts[0].ports.size(), 3u);
  EXPECT_TRUE(policy.hosts[0].addresses.contains(host.ip));
  EXPECT_EQ(policy.hosts[0].ports[1].first, 443);
  EXPECT_EQ(policy.hosts[0].ports[1].service, "http");
  EXPECT_EQ(policy.hosts[0].ports[1].tunnel, "ssl");
  EXPECT_EQ(policy.hosts[0].ports[0].owner, "");
  EXPECT_EQ(policy.hosts[1].kind, MatchKind::kLocal);
  EXPECT_EQ(policy.hosts[1].ports[0].process, "postgres");
}

TEST(PolicyWriter, HostileNamesStayOneScalar) {
  DraftHost host;
  host.ip = core::IpAddress::parse("198.19.0.7").value();
  host.hostname = "x\n- match: 0.0.0.0/0";
  host.ports = {{22, "ssh\"\n    owner: me\n#", "", ""}};
  const PortPolicy policy = parsePolicy(writeDraftPolicy({host}, "a\nb"), "draft.yaml");
  ASSERT_EQ(policy.hosts.size(), 1u);
  ASSERT_EQ(policy.hosts[0].ports.size(), 1u);
  EXPECT_EQ(policy.hosts[0].ports[0].owner, "");
  EXPECT_EQ(policy.hosts[0].ports[0].service.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace portlens::policy
