// How a scan is split into shards, and what one shard scans. Pure.
//
// A shard is a rectangle of the scan's (hosts x ports) product: a contiguous slice of the
// target set's addresses (by index, TargetSet::at order) times a contiguous slice of its
// ports (ascending). Rectangles are exact (disjoint, their union is the scan), work for every
// engine (connect and SYN alike: each shard is an ordinary scan of a smaller target and port
// set) and resume with the same plan as a whole scan (the results already stored in the
// rectangle are skipped), which the SYN engine's K/N permutation shards would not.
//
// The split rule (splitScan): pairs = hosts x ports; shards = ceil(pairs / pairs_per_shard),
// at least 1, at most kMaxShards. Hosts are split first (host slices = min(hosts, shards));
// ports only when there are fewer hosts than shards (port slices = ceil(shards / host
// slices), at most ports). So a scan of at most `pairs_per_shard` pairs is one shard, a /24 x
// 1000 ports with the default 65,536 is 4 shards of 64 hosts, one host x 65,535 ports is 1.
#pragma once

#include <cstdint>
#include <vector>

#include "core/port_set.h"
#include "core/target_set.h"

namespace portlens::store {

inline constexpr std::uint64_t kDefaultPairsPerShard = 65536;
inline constexpr std::uint64_t kMaxShards = 1024;

// Half-open index ranges into the scan's hosts and ports.
struct ShardRange {
  std::uint64_t host_begin = 0;
  std::uint64_t host_end = 0;
  std::uint64_t port_begin = 0;
  std::uint64_t port_end = 0;
  std::uint64_t pairs() const { return (host_end - host_begin) * (port_end - port_begin); }
  bool operator==(const ShardRange&) const = default;
};

// The shards of a scan of `hosts` x `ports`, in shard-index order (host slice major).
// `pairs_per_shard` 0 counts as 1. A scan with no pairs is one empty shard.
std::vector<ShardRange> splitScan(std::uint64_t hosts, std::uint64_t ports,
                                  std::uint64_t pairs_per_shard);

// The addresses with index in [begin, end), with the names the set gives them.
core::TargetSet hostSlice(const core::TargetSet& targets, std::uint64_t begin, std::uint64_t end);
// The ports with index in [begin, end) of the ascending list.
core::PortSet portSlice(const core::PortSet& ports, std::uint64_t begin, std::uint64_t end);

}  // namespace portlens::store
