#include "registry/builtin_ranking.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace portlens::registry {
namespace {

TEST(BuiltinRanking, CuratedListIsUniqueAndHasNoPortZero) {
  const auto curated = curatedTopPorts();
  EXPECT_GE(curated.size(), 300u);
  EXPECT_EQ(std::set<std::uint16_t>(curated.begin(), curated.end()).size(), curated.size());
  EXPECT_EQ(std::find(curated.begin(), curated.end(), 0), curated.end());
  EXPECT_EQ(curated.front(), 80);
}

TEST(BuiltinRanking, OrdersCuratedThenNamedWellKnownThenNamedRegisteredThenRest) {
  // None of these is curated: 1 and 5 are named well-known ports, 1024 and 1500 named
  // registered ports, 60000 is named but dynamic, so it only comes with the rest.
  const std::vector<ServiceEntry> named = {
      {5, "rje", ""}, {1, "tcpmux", ""}, {1024, "a", ""}, {1500, "b", ""}, {60000, "c", ""}};
  const auto ranking = buildBuiltinRanking(named);
  ASSERT_EQ(ranking.size(), 65536u);
  const auto curated = curatedTopPorts();
  ASSERT_TRUE(std::equal(curated.begin(), curated.end(), ranking.begin()));

  const auto rest = ranking.begin() + static_cast<std::ptrdiff_t>(curated.size());
  EXPECT_EQ(rest[0], 1);  // named well-known, ascending
  EXPECT_EQ(rest[1], 5);
  EXPECT_EQ(rest[2], 1024);  // then named registered, ascending
  EXPECT_EQ(rest[3], 1500);
  EXPECT_EQ(rest[4], 2);  // then every other port ascending (60000 included there)
  EXPECT_EQ(ranking.back(), 0);
  EXPECT_EQ(std::set<std::uint16_t>(ranking.begin(), ranking.end()).size(), 65536u);
}

}  // namespace
}  // namespace portlens::registry
