// Fuzzes the monitors' schedule parsers (server/monitor_schedule: `every` and 5-field cron,
// both sent by API clients): either the text is refused with an ApiError, or every next run
// time computed from it lies strictly after "now" and, for cron, on a whole minute.
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "server/api_error.h"
#include "server/monitor_schedule.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 256) return 0;
  const auto text = fuzz::asText(data + 1, size - 1);
  server::Schedule schedule;
  try {
    if (data[0] % 2 == 0) {
      schedule.every_seconds = server::parseEvery(text);
      if (schedule.every_seconds < server::kMinEverySeconds) std::abort();
    } else {
      schedule.cron = server::parseCron(text);
    }
  } catch (const server::ApiError& e) {
    if (e.status() != 400) std::abort();
    return 0;
  }
  // 2026-01-01, and a leap day at 23:59:30.
  for (std::int64_t now : {std::int64_t{1767225600000}, std::int64_t{1835481570000}}) {
    const auto next = server::nextRunAfter(schedule, now - 7000, now);
    if (next <= now) std::abort();
    if (schedule.every_seconds == 0 && next % 60000 != 0) std::abort();
  }
  return 0;
}
