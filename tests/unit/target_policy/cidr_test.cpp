#include "target_policy/cidr.h"

#include <gtest/gtest.h>

namespace portlens::target_policy {
namespace {

TEST(Cidr, ParsesBlocksAndSingleAddresses) {
  auto lab = parseCidr("198.19.0.0/16").value();
  EXPECT_EQ(lab.last.toString(), "198.19.255.255");
  EXPECT_TRUE(lab.contains(core::IpAddress::parse("198.19.0.7").value()));
  EXPECT_FALSE(lab.contains(core::IpAddress::parse("198.18.0.7").value()));
  auto v6 = parseCidr("2001:2:0:1::/64").value();
  EXPECT_EQ(v6.last.toString(), "2001:2:0:1:ffff:ffff:ffff:ffff");
  EXPECT_EQ(parseCidr("8.8.8.8")->prefix, 32u);
  EXPECT_EQ(parseCidr("0.0.0.0/0")->last.toString(), "255.255.255.255");
  EXPECT_EQ(parseCidr("::/0")->last.toString(), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(Cidr, RefusesHostBitsAndJunk) {
  EXPECT_FALSE(parseCidr("198.19.0.1/16"));
  EXPECT_FALSE(parseCidr("198.19.0.0/33"));
  EXPECT_FALSE(parseCidr("198.19.0.0/"));
  EXPECT_FALSE(parseCidr("example.org/24"));
  EXPECT_THROW(parseCidrList("198.19.0.0/16,bad"), std::invalid_argument);
  EXPECT_EQ(parseCidrList("198.19.0.0/16, 2001:2:0:1::/64").size(), 2u);
}

}  // namespace
}  // namespace portlens::target_policy
