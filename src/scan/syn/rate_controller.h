// The speed of a SYN scan when the user sets no --rate: a congestion controller driven by
// answers. The first round's probes are counted per block of 64 consecutive send ordinals
// (the send log's blocks); the receiving thread credits each answer to its probe's block, so
// a block's answer ratio is exact once its last probe is older than the settle time (the
// RTO). While the ratio holds, the rate doubles per window of blocks (slow start) and then
// grows by 15%; when it falls clearly below the best recent ratio (something on the path is
// dropping packets), the rate is cut to 70% of what was actually sent, and blocks sent
// before the cut are not judged. Rates are probes per second.
//
// onSent/update/rate: sending thread. creditAnswer: receiving thread (atomic counters).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "scan/syn/send_log.h"

namespace portlens::scan::syn {

class RateController {
 public:
  using Nanos = std::chrono::nanoseconds;
  static constexpr std::uint64_t kBlock = SendLog::kBatch;  // a block is one send-log entry

  struct Settings {
    double initial = 20'000;
    // Below this, a cut is more likely a misreading than congestion; retries cover losses.
    double floor = 1'000;
    double ceiling = 50'000'000;
  };

  explicit RateController(Settings settings);

  double rate() const { return rate_; }
  bool slowStart() const { return slow_start_; }
  std::uint32_t decreases() const { return decreases_; }

  // Call BEFORE the probe goes out: on a fast path its answer may be credited while the send
  // call is still running. Ordinals must not decrease.
  void onSent(std::uint64_t ordinal, Nanos now);
  void creditAnswer(std::uint64_t ordinal);
  // Judges every block whose last probe is older than `settle`; true when the rate changed.
  bool update(Nanos now, Nanos settle);

 private:
  static constexpr std::size_t kRing = 4096;  // 262,144 probes: far more than one RTO holds
  struct Block {
    std::uint64_t sent = 0;
    std::atomic<std::uint64_t> answered{0};
    Nanos first{0};
    Nanos last{0};
  };

  void judge();

  Settings settings_;
  double rate_;
  bool slow_start_ = true;
  std::uint32_t decreases_ = 0;
  double reference_ratio_ = -1;
  std::array<Block, kRing> ring_{};
  // Newest block the sender wrote to, plus one. Atomic: the receiving thread reads it in
  // creditAnswer; the release store publishes the reset of a reused ring entry with it.
  std::atomic<std::uint64_t> newest_block_{0};
  std::uint64_t next_judged_ = 0;  // oldest block not yet judged
  std::uint64_t first_after_cut_ = 0;
  // The window being accumulated.
  std::uint64_t window_first_ = 0;
  Nanos window_start_{0};
  Nanos window_end_{0};
  std::uint64_t window_sent_ = 0;
  std::uint64_t window_answered_ = 0;
};

}  // namespace portlens::scan::syn
