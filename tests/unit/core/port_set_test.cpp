#include "core/port_set.h"

#include <gtest/gtest.h>

#include <vector>

namespace portlens::core {
namespace {

TEST(PortSet, EmptyByDefault) {
  PortSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(set.ports().empty());
  EXPECT_EQ(set.toString(), "");
}

TEST(PortSet, AddRemoveContains) {
  PortSet set;
  set.add(80);
  set.add(22);
  set.add(80);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.contains(22));
  EXPECT_FALSE(set.contains(23));
  set.remove(22);
  set.remove(9999);  // absent: no effect
  EXPECT_EQ(set.size(), 1u);
  EXPECT_FALSE(set.contains(22));
}

TEST(PortSet, IndexingIsAscendingAndTracksChanges) {
  PortSet set;
  set.add(443);
  set.add(22);
  set.add(80);
  EXPECT_EQ(set.ports(), (std::vector<std::uint16_t>{22, 80, 443}));
  EXPECT_EQ(set.at(0), 22);
  EXPECT_EQ(set.at(2), 443);
  set.add(25);  // invalidates the cached list
  EXPECT_EQ(set.at(1), 25);
  set.remove(22);
  EXPECT_EQ(set.at(0), 25);
  EXPECT_EQ(set.ports().size(), set.size());
}

TEST(PortSet, RangesIncludeBothEndsAndExtremes) {
  auto all = PortSet::range(0, 65535);
  EXPECT_EQ(all.size(), 65536u);
  EXPECT_EQ(all.at(0), 0);
  EXPECT_EQ(all.at(65535), 65535);
  EXPECT_EQ(all.toString(), "0-65535");

  auto one = PortSet::range(65535, 65535);
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(one.toString(), "65535");

  PortSet set;
  set.add(100, 102);
  EXPECT_EQ(set.ports(), (std::vector<std::uint16_t>{100, 101, 102}));
}

TEST(PortSet, ToStringIsCompact) {
  PortSet set;
  set.add(1, 1024);
  set.add(3306);
  set.add(8080, 8081);
  set.add(0);
  set.add(1026);
  EXPECT_EQ(set.toString(), "0-1024,1026,3306,8080-8081");

  PortSet pairs;
  pairs.add(1);
  pairs.add(2);
  pairs.add(4);
  EXPECT_EQ(pairs.toString(), "1-2,4");
}

TEST(PortSet, AddAllUnions) {
  auto a = PortSet::range(1, 10);
  auto b = PortSet::range(5, 20);
  b.add(65535);
  a.addAll(b);
  EXPECT_EQ(a.toString(), "1-20,65535");
  EXPECT_EQ(a.at(20), 65535);
}

TEST(PortSet, CopiesAreIndependent) {
  PortSet a;
  a.add(1);
  EXPECT_EQ(a.at(0), 1);
  PortSet b = a;
  b.add(0);
  EXPECT_EQ(b.at(0), 0);
  EXPECT_EQ(a.at(0), 1);
  EXPECT_EQ(a.size(), 1u);
}

}  // namespace
}  // namespace portlens::core
