// Time as an input. Everything that reads the time or waits for it (the engines, the event
// hub, the store's timestamps, route look-ups) takes a Clock& from its caller, so tests drive
// it with a manual clock (tests/support/manual_clock.h) and assert exact times instead of
// sleeping and asserting lower bounds. The composition roots (the cli/ commands, serve) own
// one SystemClock and pass it down; there is no global clock.
//
// SystemClock (clock.cpp) is the only production code that reads std::chrono's clocks or
// sleeps (scripts/check-clock.sh enforces it). Implementations are thread-safe: the SYN
// engine's sending and receiving threads share one clock.
#pragma once

#include <chrono>

namespace portlens::core {

class Clock {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;

  // Monotonic time, for deadlines, rates and durations.
  virtual SteadyTime now() = 0;
  // Calendar time, for timestamps people read (a scan's start, a row's created_ms).
  virtual WallTime wallNow() = 0;
  // Returns once now() >= deadline (at once when it already is).
  virtual void sleepUntil(SteadyTime deadline) = 0;

  // Waits `duration` (nothing when it is not positive).
  void sleepFor(std::chrono::nanoseconds duration) {
    if (duration > std::chrono::nanoseconds(0)) sleepUntil(now() + duration);
  }
};

// The machine's clocks: steady_clock, system_clock and a real sleep.
class SystemClock final : public Clock {
 public:
  SteadyTime now() override;
  WallTime wallNow() override;
  void sleepUntil(SteadyTime deadline) override;
};

}  // namespace portlens::core
