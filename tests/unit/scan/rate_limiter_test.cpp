#include "scan/rate_limiter.h"

#include <gtest/gtest.h>

namespace portlens::scan {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(RateLimiterTest, UnlimitedAlwaysGrants) {
  auto t0 = Clock::time_point{};
  RateLimiter limiter(0, t0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.tryAcquire(t0));
  EXPECT_EQ(limiter.waitTime(t0), 0ns);
}

// Over a simulated second at 1000/s, about 1000 tokens are granted, never a big burst.
TEST(RateLimiterTest, HonoursRateWithoutBursts) {
  auto t = Clock::time_point{} + 1s;
  RateLimiter limiter(1000, t);
  int granted = 0;
  int max_in_one_tick = 0;
  for (int tick = 0; tick < 1000; ++tick) {
    int this_tick = 0;
    while (limiter.tryAcquire(t)) ++this_tick;
    granted += this_tick;
    max_in_one_tick = std::max(max_in_one_tick, this_tick);
    t += 1ms;
  }
  EXPECT_NEAR(granted, 1000, 2);
  EXPECT_LE(max_in_one_tick, 1);
}

TEST(RateLimiterTest, WaitTimeSaysWhenTheNextTokenComes) {
  auto t = Clock::time_point{} + 1s;
  RateLimiter limiter(10, t);  // one token per 100 ms
  EXPECT_TRUE(limiter.tryAcquire(t));
  EXPECT_FALSE(limiter.tryAcquire(t));
  auto wait = limiter.waitTime(t);
  EXPECT_EQ(wait, 100ms);
  EXPECT_TRUE(limiter.tryAcquire(t + wait));
}

}  // namespace
}  // namespace portlens::scan
