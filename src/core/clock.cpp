#include "core/clock.h"

#include <thread>

namespace portlens::core {

// The one place production code reads the machine's clocks (scripts/check-clock.sh).
Clock::SteadyTime SystemClock::now() { return std::chrono::steady_clock::now(); }

Clock::WallTime SystemClock::wallNow() { return std::chrono::system_clock::now(); }

void SystemClock::sleepUntil(SteadyTime deadline) { std::this_thread::sleep_until(deadline); }

}  // namespace portlens::core
