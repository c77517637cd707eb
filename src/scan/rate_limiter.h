// Token bucket for --rate: at most `rate` probes per second on average, with a burst of at
// most `burst` probes (default 20 ms worth), so a rate is honoured smoothly rather than in
// one-second lumps, and a caller that wakes a little late still reaches the rate.
// Time is passed in by the caller (the engine's clock), which keeps this pure and testable.
#pragma once

#include <chrono>
#include <cstdint>

namespace portlens::scan {

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // rate <= 0 means unlimited.
  RateLimiter(double rate, TimePoint now, double burst = 0);

  bool unlimited() const { return rate_ <= 0; }
  // Takes one token if available.
  bool tryAcquire(TimePoint now);
  // How long until the next token is available (zero when one is).
  std::chrono::nanoseconds waitTime(TimePoint now);

 private:
  void refill(TimePoint now);

  double rate_;
  double burst_;
  double tokens_;
  TimePoint last_;
};

}  // namespace portlens::scan
