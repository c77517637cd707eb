// The speed of a SYN scan when the user sets no --rate: a congestion controller driven by
// answers. Probes are counted per 5 ms send bucket; the receiving thread credits each answer
// to the bucket its probe was sent in. Once a bucket is older than the settle time (the
// RTO), its answer ratio is known. While the ratio holds, the rate doubles per window (slow
// start) and then grows by 15%; when it falls clearly below the best recent ratio (packets
// are being dropped somewhere), the rate is cut to 70% of what was actually sent, and
// windows sent before the cut are not judged again. Rates are probes per second.
//
// onSent/update/rate: sending thread. creditAnswer: receiving thread (atomic counters).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace portlens::scan::syn {

class RateController {
 public:
  using Nanos = std::chrono::nanoseconds;

  struct Settings {
    double initial = 20'000;
    double floor = 200;
    double ceiling = 50'000'000;
    Nanos bucket = std::chrono::milliseconds(5);
  };

  explicit RateController(Settings settings);

  double rate() const { return rate_; }
  bool slowStart() const { return slow_start_; }
  std::uint32_t decreases() const { return decreases_; }

  void onSent(Nanos now, std::uint64_t count);
  void creditAnswer(Nanos sent_at);
  // Judges every bucket older than `settle`; returns true when the rate changed.
  bool update(Nanos now, Nanos settle);

 private:
  static constexpr std::size_t kRing = 2048;  // ~10 s of buckets
  struct Bucket {
    std::uint64_t sent = 0;
    std::atomic<std::uint64_t> answered{0};
  };

  std::uint64_t bucketOf(Nanos t) const { return static_cast<std::uint64_t>(t / settings_.bucket); }
  void judge();

  Settings settings_;
  double rate_;
  bool slow_start_ = true;
  std::uint32_t decreases_ = 0;
  double reference_ratio_ = -1;
  std::array<Bucket, kRing> ring_{};
  std::uint64_t current_bucket_ = 0;  // newest bucket the sender wrote to
  std::uint64_t next_judged_ = 0;     // oldest bucket not yet judged
  std::uint64_t first_after_cut_ = 0;  // buckets before it were sent at a rate since cut
  // The window being accumulated.
  std::uint64_t window_first_ = 0;
  std::uint64_t window_sent_ = 0;
  std::uint64_t window_answered_ = 0;
};

}  // namespace portlens::scan::syn
