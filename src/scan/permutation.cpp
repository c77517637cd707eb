#include "scan/permutation.h"

#include <bit>

namespace portlens::scan {
namespace {

// splitmix64's finaliser: a strong, cheap 64-bit mixer.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

Permutation::Permutation(std::uint64_t size, std::uint64_t seed) : size_(size) {
  unsigned bits = size <= 1 ? 2 : static_cast<unsigned>(std::bit_width(size - 1));
  if (bits % 2 != 0) ++bits;
  if (bits < 2) bits = 2;
  half_bits_ = bits / 2;
  half_mask_ = half_bits_ >= 64 ? ~0ULL : (1ULL << half_bits_) - 1;
  std::uint64_t state = seed;
  for (auto& key : keys_) {
    state += 0x9e3779b97f4a7c15ULL;
    key = mix(state);
  }
}

std::uint64_t Permutation::round(std::uint64_t half, unsigned r) const {
  return mix(half ^ keys_[r]) & half_mask_;
}

std::uint64_t Permutation::encrypt(std::uint64_t value) const {
  std::uint64_t left = value >> half_bits_;
  std::uint64_t right = value & half_mask_;
  for (unsigned r = 0; r < kRounds; ++r) {
    std::uint64_t next = left ^ round(right, r);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

std::uint64_t Permutation::decrypt(std::uint64_t value) const {
  std::uint64_t left = value >> half_bits_;
  std::uint64_t right = value & half_mask_;
  for (unsigned r = kRounds; r-- > 0;) {
    std::uint64_t previous = right ^ round(left, r);
    right = left;
    left = previous;
  }
  return (left << half_bits_) | right;
}

std::uint64_t Permutation::positionOf(std::uint64_t value) const {
  // Walk the cycle backwards: the first preimage inside [0, size) is the position.
  std::uint64_t position = decrypt(value);
  while (position >= size_) position = decrypt(position);
  return position;
}

std::uint64_t Permutation::at(std::uint64_t index) const {
  // Cycle walking: re-encrypt until the value falls inside [0, size). Because encrypt() is a
  // bijection on the larger domain, this stays a bijection on [0, size).
  std::uint64_t value = encrypt(index);
  while (value >= size_) value = encrypt(value);
  return value;
}

}  // namespace portlens::scan
