#include "support/manual_clock.h"

namespace portlens::testing {

ManualClock::ManualClock(WallTime wall) : wall_(wall) {}

core::Clock::SteadyTime ManualClock::now() {
  std::lock_guard lock(mutex_);
  return steady_;
}

core::Clock::WallTime ManualClock::wallNow() {
  std::lock_guard lock(mutex_);
  return wall_;
}

void ManualClock::sleepUntil(SteadyTime deadline) {
  std::function<void()> hook;
  {
    std::lock_guard lock(mutex_);
    ++sleeps_;
    if (deadline <= steady_) return;
    hook = before_advance_;
  }
  if (hook) hook();
  std::lock_guard lock(mutex_);
  if (deadline <= steady_) return;  // another thread moved it meanwhile
  wall_ += std::chrono::duration_cast<WallTime::duration>(deadline - steady_);
  steady_ = deadline;
}

void ManualClock::advance(std::chrono::nanoseconds step) {
  std::function<void()> hook;
  {
    std::lock_guard lock(mutex_);
    hook = before_advance_;
  }
  if (hook) hook();
  std::lock_guard lock(mutex_);
  steady_ += step;
  wall_ += std::chrono::duration_cast<WallTime::duration>(step);
}

std::chrono::nanoseconds ManualClock::elapsed() {
  std::lock_guard lock(mutex_);
  return steady_.time_since_epoch();
}

std::uint64_t ManualClock::sleeps() {
  std::lock_guard lock(mutex_);
  return sleeps_;
}

void ManualClock::setBeforeAdvance(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  before_advance_ = std::move(hook);
}

}  // namespace portlens::testing
