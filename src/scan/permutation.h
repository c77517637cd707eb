// A keyed pseudo-random bijection on [0, size): a balanced Feistel network over the smallest
// even-width power-of-two domain that holds `size`, with cycle walking for the values beyond
// it (fewer than four steps on average). Pure and O(1) in memory, so the scan order over
// (host x port) needs no shuffled list, and a shard or a resume point is just an index.
#pragma once

#include <array>
#include <cstdint>

namespace portlens::scan {

class Permutation {
 public:
  Permutation(std::uint64_t size, std::uint64_t seed);

  std::uint64_t size() const { return size_; }
  // The value at position `index` (index < size()). Every value appears exactly once.
  std::uint64_t at(std::uint64_t index) const;
  // The inverse of at(): the position at which `value` (< size()) is visited. Stateless
  // scanners use it to find when the probe an answer belongs to was sent.
  std::uint64_t positionOf(std::uint64_t value) const;

 private:
  std::uint64_t encrypt(std::uint64_t value) const;
  std::uint64_t decrypt(std::uint64_t value) const;
  std::uint64_t round(std::uint64_t half, unsigned r) const;

  static constexpr unsigned kRounds = 4;
  std::uint64_t size_;
  unsigned half_bits_ = 0;
  std::uint64_t half_mask_ = 0;
  std::array<std::uint64_t, kRounds> keys_{};
};

}  // namespace portlens::scan
