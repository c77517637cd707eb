#include "registry/nmap_services.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <sstream>

namespace portlens::registry {
namespace {

std::vector<std::uint16_t> ascendingFallback() {
  std::vector<std::uint16_t> ports(65536);
  std::iota(ports.begin(), ports.end(), std::uint16_t{1});  // 1..65535, then wraps to 0
  return ports;
}

TEST(NmapServices, ParsesTcpLinesOfTheFixture) {
  std::ifstream in(PORTLENS_TEST_DATA_DIR "/nmap-services-sample");
  ASSERT_TRUE(in) << "fixture missing";
  const auto entries = parseNmapServices(in);
  std::vector<std::uint16_t> ports;
  for (const auto& e : entries) ports.push_back(e.port);
  EXPECT_EQ(ports, (std::vector<std::uint16_t>{7000, 7001, 7002, 7003, 0, 22}));
  EXPECT_DOUBLE_EQ(entries[0].frequency, 0.5);   // the duplicate line's 0.1 did not win
  EXPECT_DOUBLE_EQ(entries[1].frequency, 0.25);  // tcp, not the udp line
}

TEST(NmapServices, EmptyOrForeignInputHasNoEntries) {
  std::istringstream empty("");
  EXPECT_TRUE(parseNmapServices(empty).empty());
  std::istringstream foreign("hello world\n# http 80/tcp 0.5\nssh\t22/udp\t0.1\n");
  EXPECT_TRUE(parseNmapServices(foreign).empty());
}

TEST(NmapServices, RanksByFrequencyThenFallbackOrderWithZeroLast) {
  const std::vector<NmapFrequency> frequencies = {
      {7002, 0.25}, {7000, 0.5}, {7001, 0.25}, {0, 0.99}, {22, 0.1}};
  const auto ranking = rankByFrequency(frequencies, ascendingFallback());
  ASSERT_EQ(ranking.size(), 65536u);
  EXPECT_EQ(std::vector<std::uint16_t>(ranking.begin(), ranking.begin() + 4),
            (std::vector<std::uint16_t>{7000, 7001, 7002, 22}));  // 7001 before 7002: fallback
  EXPECT_EQ(ranking[4], 1);  // then the unlisted ports in fallback order
  EXPECT_EQ(ranking.back(), 0);

  auto sorted = ranking;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST(NmapServices, TieBreakFollowsTheGivenFallback) {
  auto fallback = ascendingFallback();
  std::swap(fallback[7000], fallback[7001]);  // fallback puts 7002 before 7001
  const auto ranking = rankByFrequency({{7001, 0.3}, {7002, 0.3}}, fallback);
  EXPECT_EQ(ranking[0], 7002);
  EXPECT_EQ(ranking[1], 7001);
}

}  // namespace
}  // namespace portlens::registry
