// A Clock for tests: time stands still until a test (or code under test) moves it. sleepUntil
// advances the time to the deadline at once instead of sleeping, so a scan that would take
// seconds of waiting runs in microseconds and every time it reads is exact.
//
// Thread-safe (the SYN engine's two threads share it). A test with several threads can set a
// `before advance` hook: it runs (without the clock's lock) each time sleepUntil is about to
// move the time forward, and is where the test lets the other threads catch up first, e.g. an
// in-memory network waits until its replies were read, so they are read "before" the sender's
// sleep ends and the outcome does not depend on thread scheduling.
//
// Test-support code: linked by tests, fuzz targets and benchmarks (portlens_test_support),
// never by production code.
#pragma once

#include <functional>
#include <mutex>

#include "core/clock.h"

namespace portlens::testing {

class ManualClock final : public core::Clock {
 public:
  // Starts at steady time 0 and at `wall` (2026-01-01T00:00:00Z by default).
  explicit ManualClock(WallTime wall = WallTime(std::chrono::seconds(1767225600)));

  SteadyTime now() override;
  WallTime wallNow() override;
  // Moves the time to `deadline` (never backwards) after running the hook; never blocks.
  void sleepUntil(SteadyTime deadline) override;

  // Moves both clocks forward by `step` (runs the hook first, like sleepUntil).
  void advance(std::chrono::nanoseconds step);
  // Time since this clock started (steady).
  std::chrono::nanoseconds elapsed();
  // How often sleepUntil was called (sleeps that found the deadline passed count too).
  std::uint64_t sleeps();

  void setBeforeAdvance(std::function<void()> hook);

 private:
  std::mutex mutex_;
  SteadyTime steady_{};
  WallTime wall_;
  std::uint64_t sleeps_ = 0;
  std::function<void()> before_advance_;
};

}  // namespace portlens::testing
