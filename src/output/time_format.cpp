#include "output/time_format.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

namespace portlens::output {

namespace {

std::tm utcFields(TimePoint when) {
  return fmt::gmtime(std::chrono::system_clock::to_time_t(when));
}

}  // namespace

std::int64_t unixSeconds(TimePoint when) {
  return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

std::string iso8601Utc(TimePoint when) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utcFields(when));
}

std::string ctimeUtc(TimePoint when) {
  return fmt::format("{:%a %b %e %H:%M:%S %Y}", utcFields(when));
}

std::string minuteStampUtc(TimePoint when) {
  return fmt::format("{:%Y-%m-%d %H:%M} UTC", utcFields(when));
}

}  // namespace portlens::output
