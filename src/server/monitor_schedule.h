// When a monitor runs: a fixed period ("30s", "15m", "1h", at least 5 s) or a 5-field cron
// expression (minute hour day-of-month month day-of-week, UTC; `*`, `*/N`, `A`, `A-B`,
// `A-B/N` and comma lists; day-of-week 0-7 with 0 and 7 Sunday; when both day fields are
// restricted a day matching either runs, as in Vixie cron). Pure; parse errors throw ApiError
// 400 naming the field.
//
// A missed schedule (the server was down, or busy) runs once: nextRunAfter() gives the first
// due time strictly after `now`, never the backlog of periods in between.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

namespace portlens::server {

constexpr std::int64_t kMinEverySeconds = 5;
constexpr std::int64_t kMaxEverySeconds = 366LL * 24 * 3600;

struct CronSpec {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     // 1..31
  std::bitset<13> months;   // 1..12
  std::bitset<7> weekdays;  // 0 = Sunday
  bool any_day = true;      // day-of-month was `*`
  bool any_weekday = true;  // day-of-week was `*`
};

// "30s", "15m", "1h", "2d" -> seconds; throws ApiError 400 below 5 s, above a year or malformed.
std::int64_t parseEvery(std::string_view text);
CronSpec parseCron(std::string_view text);

struct Schedule {
  std::int64_t every_seconds = 0;  // > 0: fixed period
  CronSpec cron;                   // when every_seconds == 0
};

// The first due time (wall ms) strictly after `now_ms`. A fixed period keeps its phase from
// `anchor_ms` (the previous due time), so a run every 15 m stays on its quarter hours.
std::int64_t nextRunAfter(const Schedule& schedule, std::int64_t anchor_ms, std::int64_t now_ms);

}  // namespace portlens::server
