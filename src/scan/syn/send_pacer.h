// Paces the sender: a token bucket whose burst is one batch, so a rate is held smoothly (no
// lump larger than a batch) and can be changed at any time by the rate controller. Time is
// passed in; pure. Used by the sending thread only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace portlens::scan::syn {

class SendPacer {
 public:
  using Nanos = std::chrono::nanoseconds;

  SendPacer(double rate, std::uint32_t max_batch) : max_batch_(max_batch) { setRate(rate); }

  void setRate(double rate) {
    rate_ = std::max(rate, 1.0);
    // Small rates go one probe at a time; fast ones in batches of at most max_batch, about
    // 2000 batches a second.
    batch_ = static_cast<std::uint32_t>(std::clamp(rate_ / 2000.0, 1.0, double(max_batch_)));
    tokens_ = std::min(tokens_, double(batch_));
  }
  double rate() const { return rate_; }
  std::uint32_t batch() const { return batch_; }

  // How many probes may go now (0 .. batch()).
  std::uint32_t take(Nanos now) {
    refill(now);
    const auto granted = static_cast<std::uint32_t>(std::min(tokens_, double(batch_)));
    tokens_ -= granted;
    return granted;
  }
  // Gives back probes that were granted but not sent.
  void giveBack(std::uint32_t count) { tokens_ += count; }
  // How long until a whole batch is available. Rounded up (at least 1 ns while tokens are
  // missing), so waiting this long always yields the batch: a wait rounded down to zero would
  // make the sender spin, forever on a manual clock.
  Nanos waitTime(Nanos now) {
    refill(now);
    const double missing = double(batch_) - tokens_;
    if (missing <= 0) return Nanos(0);
    return Nanos(static_cast<std::int64_t>(std::max(1.0, std::ceil(missing / rate_ * 1e9))));
  }

 private:
  void refill(Nanos now) {
    if (started_) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(double(batch_), tokens_ + elapsed * rate_);
    } else {
      tokens_ = batch_;
      started_ = true;
    }
    last_ = now;
  }

  std::uint32_t max_batch_;
  double rate_ = 1;
  std::uint32_t batch_ = 1;
  double tokens_ = 0;
  Nanos last_{0};
  bool started_ = false;
};

}  // namespace portlens::scan::syn
