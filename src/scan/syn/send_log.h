// When probes were sent, at the resolution of one block of 64 consecutive probes of a shard:
// 1 bit of memory per probe. A block keeps the time of its first probe in a round, so a
// reply's RTT is exact for the block's first probe and too long by at most the time it takes
// to send 64 probes (0.06 ms at 1M probes/s, 0.3 s at 200/s) for the others: an error that
// only ever lengthens the timeout. The receiving thread finds a reply's send time through the
// inverse permutation (index -> position -> ordinal -> batch) and so measures RTTs without
// storing anything per probe. Each entry also keeps the round (first try = 1) it was written
// in, so a late answer to an earlier round is not timed against a retry. Lock-free.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace portlens::scan::syn {

class SendLog {
 public:
  static constexpr std::uint64_t kBatch = 64;

  explicit SendLog(std::uint64_t ordinals)
      : entries_(std::make_unique<std::atomic<std::uint64_t>[]>(ordinals / kBatch + 1)) {}

  // Sending thread only: keeps the first record of a block per round.
  void record(std::uint64_t ordinal, unsigned round, std::chrono::nanoseconds since_start) {
    auto& entry = entries_[ordinal / kBatch];
    if ((entry.load(std::memory_order_relaxed) >> 56) == round) return;
    const auto value = static_cast<std::uint64_t>(round) << 56 |
                       (static_cast<std::uint64_t>(since_start.count()) & kTimeMask);
    entry.store(value, std::memory_order_relaxed);
  }

  // The send time of `ordinal` in `round`, if that round's send of its batch is the last one
  // recorded.
  std::optional<std::chrono::nanoseconds> sentAt(std::uint64_t ordinal, unsigned round) const {
    const std::uint64_t value = entries_[ordinal / kBatch].load(std::memory_order_relaxed);
    if (value == 0 || (value >> 56) != round) return std::nullopt;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(value & kTimeMask));
  }

 private:
  static constexpr std::uint64_t kTimeMask = (std::uint64_t{1} << 56) - 1;
  std::unique_ptr<std::atomic<std::uint64_t>[]> entries_;
};

}  // namespace portlens::scan::syn
