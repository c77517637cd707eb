// What a stateless scan knows about each probe of its (host x port) space: two bits per
// index (pending, open, closed, filtered by an ICMP error). Memory is fixed by the size of the
// space, never by how many answers arrive. The receiving thread settles entries with a
// compare-and-swap, so the first answer wins and duplicates are recognised; the sending
// thread reads them to skip answered probes in retry rounds. Lock-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace portlens::scan::syn {

enum class Outcome : std::uint8_t { kPending = 0, kOpen = 1, kClosed = 2, kIcmpFiltered = 3 };

class ProbeStates {
 public:
  explicit ProbeStates(std::uint64_t size)
      : size_(size), words_(std::make_unique<std::atomic<std::uint64_t>[]>(wordCount(size))) {}

  std::uint64_t size() const { return size_; }

  Outcome get(std::uint64_t index) const {
    const std::uint64_t word = words_[index / 32].load(std::memory_order_relaxed);
    return static_cast<Outcome>((word >> shift(index)) & 3);
  }

  // Moves a pending entry to `outcome`; false when it was already settled (a duplicate).
  bool settle(std::uint64_t index, Outcome outcome) {
    auto& word = words_[index / 32];
    std::uint64_t current = word.load(std::memory_order_relaxed);
    const std::uint64_t mask = std::uint64_t{3} << shift(index);
    do {
      if ((current & mask) != 0) return false;
    } while (!word.compare_exchange_weak(
        current, current | (static_cast<std::uint64_t>(outcome) << shift(index)),
        std::memory_order_relaxed));
    return true;
  }

  // Raw words for the resume file (little-endian host order; same machine type on resume).
  std::vector<std::uint64_t> snapshot() const {
    std::vector<std::uint64_t> out(wordCount(size_));
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = words_[i].load(std::memory_order_relaxed);
    return out;
  }
  // False when `words` does not fit this space.
  bool restore(std::span<const std::uint64_t> words) {
    if (words.size() != wordCount(size_)) return false;
    for (std::size_t i = 0; i < words.size(); ++i)
      words_[i].store(words[i], std::memory_order_relaxed);
    return true;
  }

  // An entry of snapshot() words, read without building a second ProbeStates from them.
  static Outcome get(std::span<const std::uint64_t> words, std::uint64_t index) {
    return static_cast<Outcome>((words[index / 32] >> shift(index)) & 3);
  }

  static std::size_t wordCount(std::uint64_t size) {
    return static_cast<std::size_t>((size + 31) / 32);
  }

 private:
  static unsigned shift(std::uint64_t index) { return static_cast<unsigned>(index % 32) * 2; }

  std::uint64_t size_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> words_;
};

}  // namespace portlens::scan::syn
