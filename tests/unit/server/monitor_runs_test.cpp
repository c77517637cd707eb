// Monitors end to end without sockets: the scheduler queues runs on a manual clock, the test
// plays the job worker (claims the run, stores records, finishes it through finishJob), and
// the findings and events that come out are checked.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/monitor_completion.h"
#include "server/monitor_findings.h"
#include "server/monitor_scheduler.h"
#include "store/monitor_store.h"
#include "store/sha256.h"
#include "temp_store.h"

namespace portlens::server {
namespace {

class MonitorRunsTest : public ::testing::Test {
 protected:
  MonitorRunsTest() {
    config_.token_allow["lab"] = target_policy::parseCidrList("198.19.0.0/16");
    store_->insertToken({"lab", store::sha256Hex("secret-lab"), "", false});
  }

  std::int64_t addMonitor(std::int64_t every_seconds, const std::string& cron = "") {
    store::MonitorRow m;
    m.name = "dmz";
    m.owner = "lab";
    m.targets_text = "198.19.0.7";
    m.ports_spec = "22,80,443";
    m.ports_label = "22,80,443";
    m.every_seconds = every_seconds;
    m.cron = cron;
    m.next_run_ms = nowMs();
    return monitors().insertMonitor(m);
  }

  std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               store_.clock().wallNow().time_since_epoch())
        .count();
  }

  store::MonitorStore monitors() { return store::MonitorStore(*store_); }

  // The job worker's part: claim the queued run, store `open` ports (the rest closed), finish.
  std::int64_t runWith(const std::set<std::uint16_t>& open) {
    auto row = store_->claimNextQueued();
    EXPECT_TRUE(row);
    if (!row) return 0;
    std::vector<scan::PortRecord> records;
    for (std::uint16_t port : {22, 80, 443}) {
      records.push_back(
          portRecord("198.19.0.7", port,
                     open.count(port) ? scan::PortState::kOpen : scan::PortState::kClosed));
    }
    store_->appendResults(row->id, records, 3, 0, 0);
    finishJob(*store_, *row, store::ScanStatus::kDone, "", 3, registry_);
    return row->id;
  }

  std::vector<std::string> events() {
    auto st =
        store_->database().prepare("SELECT event, finding_json FROM finding_events ORDER BY id");
    std::vector<std::string> out;
    while (st.step()) {
      auto f = nlohmann::json::parse(st.text(1));
      out.push_back(st.text(0) + " " + f["kind"].get<std::string>() + " " +
                    std::to_string(f["port"].get<int>()));
    }
    return out;
  }

  TempStore store_;
  ServerConfig config_;
  registry::PortRegistry registry_ = registry::PortRegistry::builtin();
  int wakes_ = 0;
  MonitorScheduler scheduler_{config_, store_.clock(),
                              [](const std::string&) { return std::vector<core::IpAddress>{}; },
                              [this] { ++wakes_; }};
};

TEST_F(MonitorRunsTest, AMissedScheduleRunsOnceNotOncePerPeriod) {
  const auto id = addMonitor(30);
  EXPECT_EQ(scheduler_.tick(*store_), 1);  // the baseline, at once
  EXPECT_EQ(wakes_, 1);
  EXPECT_EQ(scheduler_.tick(*store_), 0);
  runWith({22});
  // The server was down for an hour: 120 periods were missed, one run is queued.
  store_.clock().advance(std::chrono::minutes(60) + std::chrono::seconds(5));
  EXPECT_EQ(scheduler_.tick(*store_), 1);
  EXPECT_EQ(scheduler_.tick(*store_), 0);
  auto m = monitors().monitor(id).value();
  EXPECT_EQ(m.next_run_ms - nowMs(), 25'000);  // back on its 30 s phase
  EXPECT_EQ(monitors().runs(id, 0, 10).size(), 2U);
}

TEST_F(MonitorRunsTest, APendingRunIsNotDoubledAndPausedMonitorsWait) {
  const auto id = addMonitor(5);
  EXPECT_EQ(scheduler_.tick(*store_), 1);
  store_.clock().advance(std::chrono::seconds(6));
  EXPECT_EQ(scheduler_.tick(*store_), 0);  // the first run is still queued
  EXPECT_NE(monitors().monitor(id)->last_error.find("still queued"), std::string::npos);
  runWith({});
  store_.clock().advance(std::chrono::seconds(5));
  auto m = monitors().monitor(id).value();
  m.paused = true;
  monitors().updateMonitor(m);
  EXPECT_EQ(scheduler_.tick(*store_), 0);
  m.paused = false;
  monitors().updateMonitor(m);
  EXPECT_EQ(scheduler_.tick(*store_), 1);
}

TEST_F(MonitorRunsTest, CronMonitorsRunOnTheirMinutes) {
  addMonitor(0, "*/15 * * * *");
  EXPECT_EQ(scheduler_.tick(*store_), 1);
  runWith({});
  store_.clock().advance(std::chrono::minutes(14));
  EXPECT_EQ(scheduler_.tick(*store_), 0);
  store_.clock().advance(std::chrono::minutes(1));
  EXPECT_EQ(scheduler_.tick(*store_), 1);
}

TEST_F(MonitorRunsTest, ARefusedTargetSkipsTheRunAndSaysWhy) {
  const auto id = addMonitor(30);
  config_.token_allow.clear();  // the token lost its lab range
  EXPECT_EQ(scheduler_.tick(*store_), 0);
  auto m = monitors().monitor(id).value();
  EXPECT_NE(m.last_error.find("run not queued"), std::string::npos) << m.last_error;
  EXPECT_GT(m.next_run_ms, nowMs());
}

TEST_F(MonitorRunsTest, APortThatOpensIsOneFindingUntilItClosesAgain) {
  const auto id = addMonitor(5);
  scheduler_.tick(*store_);
  runWith({22});  // baseline: no finding
  EXPECT_TRUE(events().empty());
  for (int run = 0; run < 3; ++run) {  // 80 opens and stays open for three runs
    store_.clock().advance(std::chrono::seconds(5));
    ASSERT_EQ(scheduler_.tick(*store_), 1);
    runWith({22, 80});
  }
  EXPECT_EQ(events(), std::vector<std::string>{"finding_opened port_opened 80"});
  store_.clock().advance(std::chrono::seconds(5));
  scheduler_.tick(*store_);
  runWith({22});
  EXPECT_EQ(events(), (std::vector<std::string>{"finding_opened port_opened 80",
                                                "finding_resolved port_opened 80"}));
  store_.clock().advance(std::chrono::seconds(5));
  scheduler_.tick(*store_);
  const auto last = runWith({});  // 22 closes: port_closed, open until 22 is back
  EXPECT_EQ(events().back(), "finding_opened port_closed 22");
  EXPECT_EQ(monitors().openFindings(id).size(), 1U);
  // Only the last run keeps port rows; every run is listed.
  auto rows =
      store_->database().prepare("SELECT COUNT(DISTINCT scan_id), MIN(scan_id) FROM results");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 1);
  EXPECT_EQ(rows.integer(1), last);
  EXPECT_EQ(monitors().runs(id, 0, 100).size(), 6U);
}

TEST_F(MonitorRunsTest, AFailedRunChangesNoFindingAndKeepsTheComparison) {
  addMonitor(5);
  scheduler_.tick(*store_);
  const auto baseline = runWith({22});
  store_.clock().advance(std::chrono::seconds(5));
  scheduler_.tick(*store_);
  auto row = store_->claimNextQueued().value();
  finishJob(*store_, row, store::ScanStatus::kFailed, "boom", 0, registry_);
  EXPECT_EQ(store_->scan(row.id)->status, store::ScanStatus::kFailed);
  EXPECT_TRUE(events().empty());
  auto rows = store_->database().prepare("SELECT COUNT(*) FROM results WHERE scan_id = ?");
  rows.bind(1, baseline);
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 3);
  store_.clock().advance(std::chrono::seconds(5));
  scheduler_.tick(*store_);
  runWith({22, 443});
  EXPECT_EQ(events(), std::vector<std::string>{"finding_opened port_opened 443"});
}

TEST_F(MonitorRunsTest, APolicyGivesTheAuditsKinds) {
  const auto id = addMonitor(5);
  auto m = monitors().monitor(id).value();
  m.policy_yaml =
      "hosts:\n  - match: 198.19.0.7\n    ports:\n      - port: 22\n        owner: infra\n"
      "      - port: 443\n        owner: web\n";
  monitors().updateMonitor(m);
  scheduler_.tick(*store_);
  runWith({22, 80});
  // 80 is open and undocumented; 443 is documented and closed.
  auto got = events();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"finding_opened missing 443",
                                           "finding_opened unexpected_open 80"}));
  store_.clock().advance(std::chrono::seconds(5));
  scheduler_.tick(*store_);
  runWith({22, 80});  // the same: nothing new
  EXPECT_EQ(events().size(), 2U);
}

TEST_F(MonitorRunsTest, RetentionKeepsTheLastResult) {
  config_.retention_days = 1;
  addMonitor(5);
  scheduler_.tick(*store_);
  runWith({22});
  store_.clock().advance(std::chrono::hours(49));
  EXPECT_EQ(scheduler_.applyRetention(*store_), 0U);
  scheduler_.tick(*store_);
  const auto second = runWith({22});
  store_.clock().advance(std::chrono::hours(49));
  EXPECT_EQ(scheduler_.applyRetention(*store_), 1U);
  EXPECT_TRUE(store_->scan(second));
}

TEST(MonitorFindingsTest, AServiceChangeIsOneFindingUntilTheServiceIsBack) {
  const auto& registry = registry::PortRegistry::builtin();
  ScanDiff diff;
  diff.changed.push_back({detectedRecord("198.19.0.7", 80, "http", "nginx", "1.22.1"),
                          detectedRecord("198.19.0.7", 80, "http", "nginx", "1.24.0")});
  auto wanted = nextDiffFindings({}, diff, registry);
  ASSERT_EQ(wanted.size(), 1U);
  EXPECT_EQ(wanted[0].kind, policy::FindingKind::kServiceChanged);
  EXPECT_EQ(wanted[0].expected, "http nginx 1.22.1");
  EXPECT_EQ(wanted[0].version, "1.24.0");
  // Another change keeps the one finding; changing back resolves it.
  ScanDiff again;
  again.changed.push_back({detectedRecord("198.19.0.7", 80, "http", "nginx", "1.24.0"),
                           detectedRecord("198.19.0.7", 80, "http", "nginx", "1.25.0")});
  EXPECT_EQ(nextDiffFindings(wanted, again, registry).size(), 1U);
  ScanDiff back;
  back.changed.push_back({detectedRecord("198.19.0.7", 80, "http", "nginx", "1.24.0"),
                          detectedRecord("198.19.0.7", 80, "http", "nginx", "1.22.1")});
  EXPECT_TRUE(nextDiffFindings(wanted, back, registry).empty());
  // A closed <-> filtered change is not a finding.
  ScanDiff quiet;
  quiet.changed.push_back({portRecord("198.19.0.7", 81, scan::PortState::kClosed),
                           portRecord("198.19.0.7", 81, scan::PortState::kFiltered)});
  EXPECT_TRUE(nextDiffFindings({}, quiet, registry).empty());
}

TEST(MonitorFindingsTest, ReconcileOpensNewKeysOnceAndResolvesGoneOnes) {
  policy::Finding a;
  a.kind = policy::FindingKind::kPortOpened;
  a.ip = core::IpAddress::parse("198.19.0.7").value();
  a.port = 80;
  policy::Finding b = a;
  b.port = 443;
  store::FindingRow stored_a;
  stored_a.id = 1;
  stored_a.key = policy::findingKey(a);
  store::FindingRow stored_gone;
  stored_gone.id = 2;
  stored_gone.key = "port_opened|host|198.19.0.7|8080";
  auto t = reconcile({stored_a, stored_gone}, {a, b, b});
  ASSERT_EQ(t.opened.size(), 1U);
  EXPECT_EQ(t.opened[0].key, "port_opened|host|198.19.0.7|443");
  EXPECT_EQ(nlohmann::json::parse(t.opened[0].finding_json)["port"], 443);
  EXPECT_EQ(t.resolved, std::vector<std::int64_t>{2});
}

}  // namespace
}  // namespace portlens::server
