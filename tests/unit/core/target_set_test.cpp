#include "core/target_set.h"

#include <gtest/gtest.h>

namespace portlens::core {
namespace {

IpAddress ip(const char* text) {
  auto address = IpAddress::parse(text);
  if (!address) throw std::invalid_argument(text);
  return *address;
}

TEST(TargetSet, EmptyByDefault) {
  TargetSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.contains(ip("0.0.0.0")));
  EXPECT_FALSE(set.contains(ip("::")));
}

TEST(TargetSet, IndexesV4AscendingThenV6Ascending) {
  TargetSet set;
  set.add(ip("2001:2::2"));
  set.add(ip("198.18.0.9"));
  set.add(ip("2001:2::1"));
  set.add(ip("10.0.0.1"), ip("10.0.0.2"));
  ASSERT_EQ(set.size(), 5u);
  EXPECT_EQ(set.at(0), ip("10.0.0.1"));
  EXPECT_EQ(set.at(1), ip("10.0.0.2"));
  EXPECT_EQ(set.at(2), ip("198.18.0.9"));
  EXPECT_EQ(set.at(3), ip("2001:2::1"));
  EXPECT_EQ(set.at(4), ip("2001:2::2"));
  EXPECT_TRUE(set.at(3).isV6());
}

TEST(TargetSet, FamiliesDoNotAlias) {
  // ::1 and 0.0.0.1 share the value 1 but are different addresses.
  TargetSet set;
  set.add(ip("::1"));
  EXPECT_TRUE(set.contains(ip("::1")));
  EXPECT_FALSE(set.contains(ip("0.0.0.1")));
  EXPECT_EQ(set.v4().size(), 0u);
  EXPECT_EQ(set.v6().size(), 1u);
}

TEST(TargetSet, DuplicatesCountOnce) {
  TargetSet set;
  set.add(ip("1.2.3.4"));
  set.add(ip("1.2.3.4"));
  set.add(ip("1.2.3.0"), ip("1.2.3.255"));
  EXPECT_EQ(set.size(), 256u);
}

TEST(TargetSet, SubtractRemovesAddressesAndTheirNames) {
  TargetSet set;
  set.add(ip("198.18.0.0"), ip("198.18.0.255"));
  set.add(ip("2001:2::1"), ip("2001:2::4"));
  set.nameAddress(ip("198.18.0.5"), "five.example");
  set.nameAddress(ip("198.18.0.6"), "six.example");
  set.nameAddress(ip("2001:2::4"), "v6.example");

  TargetSet exclude;
  exclude.add(ip("198.18.0.5"));
  exclude.add(ip("2001:2::3"), ip("2001:2::4"));
  exclude.add(ip("203.0.113.1"));  // not in the set: no effect
  set.subtract(exclude);

  EXPECT_EQ(set.size(), 255u + 2u);
  EXPECT_FALSE(set.contains(ip("198.18.0.5")));
  EXPECT_TRUE(set.contains(ip("198.18.0.6")));
  EXPECT_FALSE(set.contains(ip("2001:2::3")));
  EXPECT_EQ(set.hostnameOf(ip("198.18.0.5")), "");
  EXPECT_EQ(set.hostnameOf(ip("198.18.0.6")), "six.example");
  EXPECT_EQ(set.hostnameOf(ip("2001:2::4")), "");
}

TEST(TargetSet, FirstNameWins) {
  TargetSet set;
  set.add(ip("192.0.2.1"));
  set.nameAddress(ip("192.0.2.1"), "first.example");
  set.nameAddress(ip("192.0.2.1"), "second.example");
  EXPECT_EQ(set.hostnameOf(ip("192.0.2.1")), "first.example");
  EXPECT_EQ(set.hostnameOf(ip("192.0.2.2")), "");
}

TEST(TargetSet, WholeV4SpaceHasTwoToThe32Addresses) {
  TargetSet set;
  set.add(ip("0.0.0.0"), ip("255.255.255.255"));
  EXPECT_EQ(set.size(), std::uint64_t{1} << 32);
  EXPECT_EQ(set.at(0xffffffffu), ip("255.255.255.255"));
  set.add(ip("::1"));
  ASSERT_EQ(set.size(), (std::uint64_t{1} << 32) + 1);
  EXPECT_EQ(set.at(std::uint64_t{1} << 32), ip("::1"));  // v6 follows, no wrap-around
}

TEST(TargetSet, SizeSaturates) {
  TargetSet set;
  set.add(ip("::"), ip("::ffff:ffff:ffff:ffff"));  // 2^64 addresses
  set.add(ip("10.0.0.0"), ip("10.0.0.255"));
  EXPECT_EQ(set.size(), UINT64_MAX);
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.at(256), ip("::"));
}

}  // namespace
}  // namespace portlens::core
