// The clocks themselves: SystemClock keeps its contract (sleepUntil returns no earlier than the
// deadline), and the tests' ManualClock moves only when told, never backwards, wall time in
// step, running its hook before each forward move.
#include "core/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "support/manual_clock.h"

namespace portlens {
namespace {

using namespace std::chrono_literals;

TEST(ClockTest, SystemClockSleepsUntilTheDeadline) {
  core::SystemClock clock;
  const auto deadline = clock.now() + 2ms;
  clock.sleepUntil(deadline);
  EXPECT_GE(clock.now(), deadline);  // the contract is a lower bound: sleeping is the point
  const auto before = clock.now();
  clock.sleepFor(-1s);  // nothing to wait for
  clock.sleepUntil(before - 1s);
  EXPECT_LT(clock.now() - before, 1s);
}

TEST(ClockTest, ManualClockMovesOnlyWhenToldAndNeverBack) {
  testing::ManualClock clock;
  const auto wall = clock.wallNow();
  EXPECT_EQ(clock.now().time_since_epoch(), 0ns);
  EXPECT_EQ(clock.now(), clock.now());
  clock.sleepFor(1500us);
  EXPECT_EQ(clock.elapsed(), 1500us);
  EXPECT_EQ(clock.wallNow() - wall, 1500us);
  clock.sleepUntil(core::Clock::SteadyTime(1ms));  // in the past: no move
  EXPECT_EQ(clock.elapsed(), 1500us);
  clock.advance(1s);
  EXPECT_EQ(clock.elapsed(), 1s + 1500us);
  EXPECT_EQ(clock.wallNow() - wall, 1s + 1500us);
  EXPECT_EQ(clock.sleeps(), 2u);
}

TEST(ClockTest, ManualClockRunsItsHookBeforeMovingForward) {
  testing::ManualClock clock;
  std::vector<std::chrono::nanoseconds> seen;
  clock.setBeforeAdvance([&] { seen.push_back(clock.elapsed()); });
  clock.sleepFor(5ms);
  clock.sleepUntil(core::Clock::SteadyTime(1ms));  // no move, no hook
  clock.advance(2ms);
  EXPECT_EQ(seen, (std::vector<std::chrono::nanoseconds>{0ms, 5ms}));
  clock.setBeforeAdvance(nullptr);
  clock.advance(1ms);
  EXPECT_EQ(seen.size(), 2u);
}

// Two threads sleeping on one manual clock (as the SYN engine's do) see time only go forward
// and end at the latest deadline.
TEST(ClockTest, ManualClockIsMonotonicAcrossThreads) {
  testing::ManualClock clock;
  auto sleeper = [&clock](std::chrono::nanoseconds step) {
    auto last = clock.now();
    for (int i = 0; i < 10000; ++i) {
      clock.sleepFor(step);
      const auto now = clock.now();
      ASSERT_GE(now, last);
      last = now;
    }
  };
  std::thread a(sleeper, 1us);
  std::thread b(sleeper, 3us);
  a.join();
  b.join();
  EXPECT_GE(clock.elapsed(), 30ms);  // b alone moved it 10,000 x 3 us forward at least
  EXPECT_EQ(clock.sleeps(), 20000u);
}

}  // namespace
}  // namespace portlens
