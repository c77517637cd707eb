#include "store/shard_plan.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace portlens::store {
namespace {

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

// Every (host, port) index pair is in exactly one shard.
void expectExactCover(std::uint64_t hosts, std::uint64_t ports, const std::vector<ShardRange>& s) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  for (const auto& r : s) {
    for (auto h = r.host_begin; h < r.host_end; ++h) {
      for (auto p = r.port_begin; p < r.port_end; ++p) {
        EXPECT_TRUE(seen.emplace(h, p).second) << h << "," << p << " twice";
      }
    }
  }
  EXPECT_EQ(seen.size(), hosts * ports);
}

TEST(ShardPlan, SmallScanIsOneShard) {
  const auto shards = splitScan(3, 1000, kDefaultPairsPerShard);
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(shards[0], (ShardRange{0, 3, 0, 1000}));
  EXPECT_EQ(splitScan(1, 65535, kDefaultPairsPerShard).size(), 1u);
  EXPECT_EQ(splitScan(1, 65535, 65535).size(), 1u);
  EXPECT_EQ(splitScan(1, 65535, 65534).size(), 2u);
}

TEST(ShardPlan, HostsAreSplitFirst) {
  // A /24 x 1000 ports at 65,536 pairs a shard: ceil(256000 / 65536) = 4 shards of 64 hosts.
  const auto shards = splitScan(256, 1000, kDefaultPairsPerShard);
  ASSERT_EQ(shards.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(shards[i], (ShardRange{i * 64, (i + 1) * 64, 0, 1000}));
  }
}

TEST(ShardPlan, PortsAreSplitWhenHostsAreFewer) {
  // One host, 20,000 ports, 2,000 pairs a shard: 10 slices of 2,000 ports.
  const auto shards = splitScan(1, 20000, 2000);
  ASSERT_EQ(shards.size(), 10u);
  EXPECT_EQ(shards[3], (ShardRange{0, 1, 6000, 8000}));
  // Two hosts, 5 wanted: 2 host slices x 3 port slices.
  const auto grid = splitScan(2, 300, 120);
  ASSERT_EQ(grid.size(), 6u);
  EXPECT_EQ(grid[4], (ShardRange{1, 2, 100, 200}));
}

TEST(ShardPlan, SplitsCoverEveryPairOnce) {
  for (auto [hosts, ports, per] :
       std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>>{
           {1, 1, 1}, {7, 13, 5}, {13, 7, 3}, {100, 3, 7}, {2, 1000, 333}, {5, 5, 0}}) {
    SCOPED_TRACE(testing::Message() << hosts << "x" << ports << " per " << per);
    const auto shards = splitScan(hosts, ports, per);
    EXPECT_LE(shards.size(), kMaxShards);
    expectExactCover(hosts, ports, shards);
  }
}

TEST(ShardPlan, ShardCountIsCapped) {
  EXPECT_EQ(splitScan(65536, 1000, 1).size(), kMaxShards);
  expectExactCover(2000, 1, splitScan(2000, 1, 1));
}

TEST(ShardPlan, HostSliceKeepsOrderFamiliesAndNames) {
  core::TargetSet targets;
  targets.add(ip("198.19.0.1"), ip("198.19.0.4"));
  targets.add(ip("198.19.1.9"));
  targets.nameAddress(ip("198.19.1.9"), "lab.example");
  targets.add(ip("2001:2::1"), ip("2001:2::3"));
  // Index order: 198.19.0.1-4 (0-3), 198.19.1.9 (4), 2001:2::1-3 (5-7).
  const auto slice = hostSlice(targets, 3, 6);
  ASSERT_EQ(slice.size(), 3u);
  EXPECT_EQ(slice.at(0), ip("198.19.0.4"));
  EXPECT_EQ(slice.at(1), ip("198.19.1.9"));
  EXPECT_EQ(slice.at(2), ip("2001:2::1"));
  EXPECT_EQ(slice.hostnameOf(ip("198.19.1.9")), "lab.example");
  EXPECT_TRUE(hostSlice(targets, 8, 9).empty());
  EXPECT_EQ(hostSlice(targets, 0, 100).size(), 8u);
}

TEST(ShardPlan, PortSliceByIndex) {
  core::PortSet ports;
  ports.add(22);
  ports.add(80);
  ports.add(443);
  ports.add(8080);
  const auto slice = portSlice(ports, 1, 3);
  EXPECT_EQ(slice.toString(), "80,443");
  EXPECT_TRUE(portSlice(ports, 4, 9).empty());
}

}  // namespace
}  // namespace portlens::store
