#include "scan/target_space.h"

#include <gtest/gtest.h>

#include <set>

namespace portlens::scan {
namespace {

// Every (host, port) pair is visited exactly once.
TEST(TargetSpaceTest, VisitsEveryHostPortPairOnce) {
  core::TargetSet hosts;
  hosts.add(*core::IpAddress::parse("198.18.0.0"), *core::IpAddress::parse("198.18.0.9"));
  hosts.add(*core::IpAddress::parse("2001:2::1"));
  auto ports = core::PortSet::range(20, 119);
  TargetSpace space(hosts, ports, 99);
  ASSERT_EQ(space.size(), 11u * 100u);
  std::set<std::pair<std::uint64_t, std::uint32_t>> seen;
  for (std::uint64_t i = 0; i < space.size(); ++i) {
    auto t = space.at(i);
    ASSERT_LT(t.host_index, 11u);
    ASSERT_LT(t.port_index, 100u);
    ASSERT_TRUE(seen.insert({t.host_index, t.port_index}).second);
  }
}

}  // namespace
}  // namespace portlens::scan
