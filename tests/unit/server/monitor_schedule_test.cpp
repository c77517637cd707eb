#include "server/monitor_schedule.h"

#include <gtest/gtest.h>

#include "server/api_error.h"

namespace portlens::server {
namespace {

// 2026-01-01T00:00:00Z (a Thursday), in ms.
constexpr std::int64_t kNewYear = 1767225600000;
constexpr std::int64_t kMinute = 60'000;

std::string errorCode(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.code() + ": " + e.what();
  }
  return "no error";
}

TEST(MonitorScheduleTest, EveryTakesSecondsMinutesHoursDaysFromFiveSeconds) {
  EXPECT_EQ(parseEvery("30s"), 30);
  EXPECT_EQ(parseEvery("15m"), 900);
  EXPECT_EQ(parseEvery("1h"), 3600);
  EXPECT_EQ(parseEvery("2d"), 172800);
  EXPECT_EQ(parseEvery("5s"), 5);
  EXPECT_EQ(errorCode([] { parseEvery("4s"); }), "invalid_schedule: 'every' must be at least 5s");
  for (const char* bad : {"", "s", "10", "10x", "-5s", "1.5h", "0m", " 5m"}) {
    EXPECT_NE(errorCode([&] { parseEvery(bad); }), "no error") << bad;
  }
  EXPECT_NE(errorCode([] { parseEvery("99999999999999999d"); }), "no error");
  EXPECT_NE(errorCode([] { parseEvery("400d"); }), "no error");
}

TEST(MonitorScheduleTest, AMissedPeriodRunsOnceAndKeepsItsPhase) {
  Schedule every15m{900, {}};
  // Due at 00:15; the server was down until 03:07: one run now, the next on the quarter hour.
  const std::int64_t due = kNewYear + 15 * kMinute;
  const std::int64_t now = kNewYear + 187 * kMinute;
  EXPECT_EQ(nextRunAfter(every15m, due, now), kNewYear + 195 * kMinute);
  EXPECT_EQ(nextRunAfter(every15m, due, due), due + 15 * kMinute);  // on time
  EXPECT_EQ(nextRunAfter(every15m, 0, now), now + 15 * kMinute);    // no anchor yet
  EXPECT_EQ(nextRunAfter(every15m, now + 5000, now), now + 5000);   // not due yet
}

TEST(MonitorScheduleTest, CronFieldsListsRangesAndSteps) {
  Schedule s{0, parseCron("*/15 * * * *")};
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear), kNewYear + 15 * kMinute);
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear + 14 * kMinute + 59'999), kNewYear + 15 * kMinute);
  s.cron = parseCron("30 2 * * *");
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear), kNewYear + 150 * kMinute);
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear + 150 * kMinute), kNewYear + (150 + 24 * 60) * kMinute);
  // Mondays at 09:00: 2026-01-05 is the first Monday.
  s.cron = parseCron("0 9 * * 1");
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear), kNewYear + (4 * 24 * 60 + 9 * 60) * kMinute);
  s.cron = parseCron("0 9 * * 7");  // 7 is Sunday too: 2026-01-04
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear), kNewYear + (3 * 24 * 60 + 9 * 60) * kMinute);
  // Both day fields restricted: either matches (the 3rd is a Saturday, before Monday the 5th).
  s.cron = parseCron("0 0 3 * 1");
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear), kNewYear + 2 * 24 * 60 * kMinute);
  s.cron = parseCron("0 0 1 3 *");  // 1 March
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear), kNewYear + 59LL * 24 * 60 * kMinute);
  s.cron = parseCron("5,10-12 0 * * *");
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear + 5 * kMinute), kNewYear + 10 * kMinute);
  s.cron = parseCron("0 0 29 2 *");  // leap days only: 2028-02-29
  EXPECT_EQ(nextRunAfter(s, 0, kNewYear), 1835395200000);
}

TEST(MonitorScheduleTest, BadCronExpressionsNameTheField) {
  EXPECT_EQ(errorCode([] { parseCron("* * * *"); }),
            "invalid_schedule: cron: five fields expected: minute hour day-of-month month "
            "day-of-week");
  EXPECT_EQ(errorCode([] { parseCron("60 * * * *"); }),
            "invalid_schedule: cron: minute: values must be 0-59");
  EXPECT_EQ(errorCode([] { parseCron("* * * * mon"); }),
            "invalid_schedule: cron: day-of-week: 'mon' is not a number");
  EXPECT_EQ(errorCode([] { parseCron("0 0 30 2 *"); }),
            "invalid_schedule: cron: the expression never matches a date");
  for (const char* bad : {"*/0 * * * *", "1-0 * * * *", ",1 * * * *", "* 24 * * *", "* * 0 * *"}) {
    EXPECT_NE(errorCode([&] { parseCron(bad); }), "no error") << bad;
  }
}

}  // namespace
}  // namespace portlens::server
