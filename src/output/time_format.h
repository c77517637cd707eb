// Timestamps as the formats print them. Everything is UTC so that output does not depend on
// the machine's time zone (nmap prints local time; scans compared across hosts should not
// differ by zone). Pure functions, safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace portlens::output {

using TimePoint = std::chrono::system_clock::time_point;

std::int64_t unixSeconds(TimePoint when);
// "2026-11-23T09:08:31Z" (JSON, NDJSON).
std::string iso8601Utc(TimePoint when);
// "Mon Nov  3 09:08:31 2026", ctime()'s layout, which nmap uses in XML and grepable output.
std::string ctimeUtc(TimePoint when);
// "2026-11-23 09:08 UTC", the "Starting ... at" stamp of nmap's normal output.
std::string minuteStampUtc(TimePoint when);

}  // namespace portlens::output
