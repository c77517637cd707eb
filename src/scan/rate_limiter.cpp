#include "scan/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace portlens::scan {

RateLimiter::RateLimiter(double rate, TimePoint now, double burst)
    : rate_(rate),
      // Default burst: 20 ms worth of probes, at least one. The engine sleeps until the next
      // token is due but wakes late on a busy machine; with a burst of one, every late wake-up
      // lost its lateness for good (a shard held to 500/s reached 381/s under load 9,
      // bench/workers.sh). 20 ms of credit catches up such delays and is still no lump.
      burst_(burst > 0 ? burst : std::max(1.0, rate / 50.0)),
      tokens_(1.0),
      last_(now) {}

void RateLimiter::refill(TimePoint now) {
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

bool RateLimiter::tryAcquire(TimePoint now) {
  if (unlimited()) return true;
  refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::chrono::nanoseconds RateLimiter::waitTime(TimePoint now) {
  if (unlimited()) return std::chrono::nanoseconds(0);
  refill(now);
  if (tokens_ >= 1.0) return std::chrono::nanoseconds(0);
  // Rounded up, so waiting this long always yields the token (a wait rounded down would leave
  // a fraction missing and ask for a zero wait next: a busy loop with a manual clock).
  const double nanos = std::max(1.0, std::ceil((1.0 - tokens_) / rate_ * 1e9));
  return std::chrono::nanoseconds(static_cast<long long>(nanos));
}

}  // namespace portlens::scan
