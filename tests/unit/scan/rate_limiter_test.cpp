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

// A caller that sleeps the wait it is told but always wakes 0.5 ms late (a busy machine) still
// gets the rate over a second: 500, not the 400 a burst of one token allowed.
TEST(RateLimiterTest, LateWakeUpsDoNotLoseTheRate) {
  auto t = Clock::time_point{} + 1s;
  const auto end = t + 1s;
  RateLimiter limiter(500, t);
  int granted = 0;
  int max_at_once = 0;
  while (t < end) {
    int now_granted = 0;
    while (limiter.tryAcquire(t)) ++now_granted;
    granted += now_granted;
    max_at_once = std::max(max_at_once, now_granted);
    t += limiter.waitTime(t) + 500us;
  }
  EXPECT_NEAR(granted, 500, 3);
  EXPECT_LE(max_at_once, 10);  // 20 ms worth at most
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
