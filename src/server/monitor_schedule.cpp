#include "server/monitor_schedule.h"

#include <charconv>
#include <chrono>
#include <vector>

#include "server/api_error.h"

namespace portlens::server {
namespace {

ApiError cronError(const std::string& message) {
  return ApiError(400, "invalid_schedule", "cron: " + message);
}

int number(std::string_view text, const char* field) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw cronError(std::string(field) + ": '" + std::string(text) + "' is not a number");
  }
  return value;
}

// One field: comma-separated items of `*`, `*/N`, `A`, `A-B`, `A-B/N`. Returns whether it was
// a bare `*`.
template <std::size_t N>
bool parseField(std::string_view text, int low, int high, const char* field, std::bitset<N>& out) {
  if (text == "*") {
    for (int v = low; v <= high; ++v) out.set(static_cast<std::size_t>(v));
    return true;
  }
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == text.npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) throw cronError(std::string(field) + ": empty item");
    int step = 1;
    if (auto slash = item.find('/'); slash != item.npos) {
      step = number(item.substr(slash + 1), field);
      if (step < 1) throw cronError(std::string(field) + ": step must be at least 1");
      item = item.substr(0, slash);
    }
    int first = low;
    int last = high;
    if (item != "*") {
      const auto dash = item.find('-');
      first = number(item.substr(0, dash), field);
      last = dash == item.npos ? (step > 1 ? high : first) : number(item.substr(dash + 1), field);
    }
    if (first < low || last > high || first > last) {
      throw cronError(std::string(field) + ": values must be " + std::to_string(low) + "-" +
                      std::to_string(high));
    }
    for (int v = first; v <= last; v += step) out.set(static_cast<std::size_t>(v));
  }
  return false;
}

using Days = std::chrono::sys_days;

bool dayMatches(const CronSpec& cron, Days day) {
  const std::chrono::year_month_day ymd(day);
  if (!cron.months.test(static_cast<unsigned>(ymd.month()))) return false;
  const bool dom = cron.days.test(static_cast<unsigned>(ymd.day()));
  const bool dow = cron.weekdays.test(std::chrono::weekday(day).c_encoding());
  if (cron.any_day && cron.any_weekday) return true;
  if (cron.any_day) return dow;
  if (cron.any_weekday) return dom;
  return dom || dow;
}

std::int64_t nextCron(const CronSpec& cron, std::int64_t now_ms) {
  using namespace std::chrono;
  // From the minute after `now` (cron fires at second 0 of a matching minute).
  const auto start = floor<minutes>(sys_time<milliseconds>(milliseconds(now_ms))) + minutes(1);
  Days day = floor<days>(start);
  auto first_minute = duration_cast<minutes>(start - day).count();
  // Five years covers every valid day/month combination (29 February within four).
  for (int i = 0; i < 5 * 366; ++i, day += days(1), first_minute = 0) {
    if (!dayMatches(cron, day)) continue;
    for (auto m = first_minute; m < std::int64_t{24} * 60; ++m) {
      if (cron.hours.test(static_cast<std::size_t>(m / 60)) &&
          cron.minutes.test(static_cast<std::size_t>(m % 60))) {
        return duration_cast<milliseconds>((day + minutes(m)).time_since_epoch()).count();
      }
    }
  }
  throw cronError("the expression never matches a date");
}

}  // namespace

std::int64_t parseEvery(std::string_view text) {
  const ApiError bad(400, "invalid_schedule",
                     "'every' must be a number and a unit, e.g. \"30s\", \"15m\", \"1h\"");
  if (text.size() < 2) throw bad;
  std::int64_t count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, count);
  if (ec != std::errc{} || end != text.data() + text.size() - 1 || count <= 0) throw bad;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      throw bad;
  }
  if (count > kMaxEverySeconds / unit || count * unit > kMaxEverySeconds) {
    throw ApiError(400, "invalid_schedule", "'every' must be at most a year");
  }
  if (count * unit < kMinEverySeconds) {
    throw ApiError(400, "invalid_schedule", "'every' must be at least 5s");
  }
  return count * unit;
}

CronSpec parseCron(std::string_view text) {
  if (text.size() > 200) throw cronError("too long");
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos == text.size()) break;
    auto end = text.find(' ', pos);
    if (end == text.npos) end = text.size();
    fields.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  if (fields.size() != 5) {
    throw cronError("five fields expected: minute hour day-of-month month day-of-week");
  }
  CronSpec cron;
  parseField(fields[0], 0, 59, "minute", cron.minutes);
  parseField(fields[1], 0, 23, "hour", cron.hours);
  cron.any_day = parseField(fields[2], 1, 31, "day-of-month", cron.days);
  parseField(fields[3], 1, 12, "month", cron.months);
  std::bitset<8> weekdays;
  cron.any_weekday = parseField(fields[4], 0, 7, "day-of-week", weekdays);
  for (std::size_t d = 0; d < 7; ++d) cron.weekdays[d] = weekdays[d];
  if (weekdays[7]) cron.weekdays.set(0);
  nextCron(cron, 0);  // rejects expressions that never match (30 February)
  return cron;
}

std::int64_t nextRunAfter(const Schedule& schedule, std::int64_t anchor_ms, std::int64_t now_ms) {
  if (schedule.every_seconds <= 0) return nextCron(schedule.cron, now_ms);
  const std::int64_t period = schedule.every_seconds * 1000;
  if (anchor_ms <= 0) return now_ms + period;
  if (anchor_ms > now_ms) return anchor_ms;
  // The first anchor + k * period after now: the periods missed in between are skipped.
  const std::int64_t missed = (now_ms - anchor_ms) / period + 1;
  return anchor_ms + missed * period;
}

}  // namespace portlens::server
