// --shard K/N: shard K of N takes every N-th position of the scan order, starting at K-1, so
// shards are disjoint, their union is the whole scan, and each one is still spread over every
// host. Pure integer arithmetic; `ordinal` counts a shard's own positions from 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace portlens::scan {

struct Shard {
  std::uint64_t index = 1;  // K, 1-based as the user types it
  std::uint64_t count = 1;  // N

  // Positions of a scan of `space_size` positions that belong to this shard.
  std::uint64_t size(std::uint64_t space_size) const {
    const std::uint64_t first = index - 1;
    return space_size <= first ? 0 : (space_size - first - 1) / count + 1;
  }
  std::uint64_t position(std::uint64_t ordinal) const { return index - 1 + ordinal * count; }
  bool owns(std::uint64_t position) const { return position % count == index - 1; }
  std::uint64_t ordinalOf(std::uint64_t position) const { return position / count; }
};

// Parses "K/N" with 1 <= K <= N; nullopt for anything else.
std::optional<Shard> parseShard(std::string_view text);

}  // namespace portlens::scan
