#include "store/monitor_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "store/database.h"
#include "support/manual_clock.h"
#include "support/test_database.h"

namespace portlens::store {
namespace {

class MonitorStoreTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    dir_ = dir();
    path_ = location();
  }

  static MonitorRow monitorRow(const std::string& owner) {
    MonitorRow m;
    m.name = "dmz";
    m.owner = owner;
    m.targets_text = "127.0.0.1";
    m.ports_spec = "22,80";
    m.ports_label = "22,80";
    m.every_seconds = 30;
    m.alerts_json = R"([{"type":"webhook","url":"http://127.0.0.1:9/"}])";
    m.next_run_ms = 1000;
    return m;
  }

  // A run queued as the scheduler does: the scan and its link in one transaction.
  static std::int64_t queueRun(ScanStore& scans, std::int64_t monitor_id, std::int64_t next) {
    NewScan s;
    s.owner = "lab";
    s.targets_text = "127.0.0.1";
    s.ports_spec = "22,80";
    s.targets.add(core::IpAddress::parse("127.0.0.1").value());
    Transaction tx(scans.database());
    auto id = scans.insertScan(s);
    MonitorStore(scans).addRun(monitor_id, id, next);
    tx.commit();
    return id;
  }

  static scan::PortRecord rec(std::uint16_t port, scan::PortState state) {
    scan::PortRecord r;
    r.ip = core::IpAddress::parse("127.0.0.1").value();
    r.port = port;
    r.state = state;
    return r;
  }

  static std::int64_t count(ScanStore& scans, const std::string& sql) {
    auto st = scans.database().prepare(sql);
    st.step();
    return st.integer(0);
  }

  // Finishes `scan` with `opened` / `resolved` as monitor_completion does.
  static void complete(ScanStore& scans, std::int64_t monitor_id, std::int64_t scan,
                       std::vector<NewFinding> opened, std::vector<std::int64_t> resolved) {
    Transaction tx(scans.database());
    scans.finishScan(scan, ScanStatus::kDone, "", 2);
    RunCompletion c;
    c.monitor_id = monitor_id;
    c.scan_id = scan;
    c.monitor_json = R"({"id":1,"name":"dmz"})";
    c.opened = std::move(opened);
    c.resolved = std::move(resolved);
    c.done = true;
    MonitorStore monitors(scans);
    const auto replaced = monitors.applyCompletion(c);
    tx.commit();
    monitors.dropReplacedResults(replaced);
  }

  std::filesystem::path dir_;
  std::string path_;
  testing::ManualClock clock_;
};

TEST_P(MonitorStoreTest, StoresEditsAndListsMonitorsByOwner) {
  ScanStore scans(path_, clock_);
  MonitorStore monitors(scans);
  auto id = monitors.insertMonitor(monitorRow("lab"));
  monitors.insertMonitor(monitorRow("other"));
  auto row = monitors.monitor(id).value();
  EXPECT_EQ(row.name, "dmz");
  EXPECT_EQ(row.alerts_json, R"([{"type":"webhook","url":"http://127.0.0.1:9/"}])");
  EXPECT_EQ(row.created_ms, 1767225600000);
  row.paused = true;
  row.cron = "*/5 * * * *";
  row.every_seconds = 0;
  monitors.updateMonitor(row);
  EXPECT_TRUE(monitors.monitor(id)->paused);
  EXPECT_EQ(monitors.monitor(id)->cron, "*/5 * * * *");
  EXPECT_EQ(monitors.listMonitors(std::string("lab")).size(), 1U);
  EXPECT_EQ(monitors.listMonitors(std::nullopt).size(), 2U);
  EXPECT_TRUE(monitors.dueMonitors(5000).size() == 1);  // the paused one is not due
  monitors.deleteMonitor(id);
  EXPECT_FALSE(monitors.monitor(id));
}

TEST_P(MonitorStoreTest, AFindingOpensOnceResolvesOnceWithOneEventEach) {
  ScanStore scans(path_, clock_);
  MonitorStore monitors(scans);
  auto id = monitors.insertMonitor(monitorRow("lab"));
  auto first = queueRun(scans, id, 31000);
  EXPECT_EQ(monitors.monitorOfRun(first), id);
  EXPECT_EQ(monitors.monitor(id)->next_run_ms, 31000);
  const NewFinding opened{"port_opened|host|127.0.0.1|80", "port_opened",
                          R"({"kind":"port_opened","ip":"127.0.0.1","port":80})"};
  complete(scans, id, first, {opened}, {});
  ASSERT_EQ(monitors.openFindings(id).size(), 1U);
  const auto finding_id = monitors.openFindings(id)[0].id;
  // The same key again (a completion that wrongly repeats it) is refused by the unique index.
  auto second = queueRun(scans, id, 61000);
  EXPECT_THROW(complete(scans, id, second, {opened}, {}), StoreError);
  EXPECT_EQ(count(scans, "SELECT COUNT(*) FROM finding_events"), 1);  // rolled back whole
  EXPECT_EQ(scans.scan(second)->status, ScanStatus::kQueued);
  clock_.advance(std::chrono::seconds(30));
  complete(scans, id, second, {}, {finding_id, finding_id});  // resolving twice: one event
  EXPECT_TRUE(monitors.openFindings(id).empty());
  auto resolved = monitors.findings(id, FindingState::kResolved, std::nullopt, 10);
  ASSERT_EQ(resolved.size(), 1U);
  EXPECT_EQ(resolved[0].resolved_ms, 1767225630000);
  EXPECT_EQ(resolved[0].resolved_scan_id, second);
  auto events = scans.database().prepare(
      "SELECT event, finding_id, scan_id, finding_json, monitor_json FROM finding_events ORDER BY "
      "id");
  ASSERT_TRUE(events.step());
  EXPECT_EQ(events.text(0), "finding_opened");
  EXPECT_EQ(events.integer(2), first);
  ASSERT_TRUE(events.step());
  EXPECT_EQ(events.text(0), "finding_resolved");
  EXPECT_EQ(events.integer(1), finding_id);
  EXPECT_EQ(events.integer(2), second);
  EXPECT_EQ(events.text(3), opened.finding_json);
  EXPECT_EQ(events.text(4), R"({"id":1,"name":"dmz"})");
  EXPECT_FALSE(events.step());
  // The event table accepts only the two events of the contract.
  EXPECT_THROW(scans.database().exec("INSERT INTO finding_events (monitor_id, finding_id, event, "
                                     "at_ms, finding_json, monitor_json) VALUES "
                                     "(1,1,'finding_acked',0,'{}','{}')"),
               StoreError);
}

TEST_P(MonitorStoreTest, OnlyTheLastFullResultKeepsItsPortRows) {
  ScanStore scans(path_, clock_);
  MonitorStore monitors(scans);
  auto id = monitors.insertMonitor(monitorRow("lab"));
  std::int64_t last = 0;
  for (int run = 0; run < 5; ++run) {
    last = queueRun(scans, id, 0);
    scans.appendResults(last, {rec(22, scan::PortState::kOpen), rec(80, scan::PortState::kClosed)},
                        2, 0, 0);
    complete(scans, id, last, {}, {});
  }
  EXPECT_EQ(count(scans, "SELECT COUNT(*) FROM results"), 2);
  EXPECT_EQ(count(scans, "SELECT COUNT(DISTINCT scan_id) FROM results"), 1);
  EXPECT_EQ(monitors.monitor(id)->last_full_scan_id, last);
  auto runs = monitors.runs(id, 0, 10);
  ASSERT_EQ(runs.size(), 5U);  // every run's summary stays
  EXPECT_EQ(runs[0], last);
  EXPECT_EQ(scans.scan(runs[4])->counts.open, 1U);
  monitors.dropReplacedResults(last);
  EXPECT_EQ(count(scans, "SELECT COUNT(*) FROM results"), 2) << "still the last full result";
}

TEST_P(MonitorStoreTest, RetentionRemovesOldScansButNotAMonitorsLastResult) {
  ScanStore scans(path_, clock_);
  MonitorStore monitors(scans);
  auto id = monitors.insertMonitor(monitorRow("lab"));
  auto run = queueRun(scans, id, 0);
  scans.appendResults(run, {rec(22, scan::PortState::kOpen)}, 1, 0, 0);
  complete(scans, id, run, {}, {});
  NewScan plain;
  plain.owner = "lab";
  plain.ports_spec = "22";
  plain.targets.add(core::IpAddress::parse("127.0.0.1").value());
  auto old_scan = scans.insertScan(plain);
  scans.appendResults(old_scan, {rec(22, scan::PortState::kOpen)}, 1, 0, 0);
  scans.finishScan(old_scan, ScanStatus::kDone, "", 1);
  auto running = scans.insertScan(plain);
  clock_.advance(std::chrono::hours(24 * 10));
  auto recent = scans.insertScan(plain);
  scans.finishScan(recent, ScanStatus::kDone, "", 1);
  const std::int64_t cutoff = 1767225600000 + std::int64_t{24} * 3600 * 1000 * 7;
  EXPECT_EQ(monitors.deleteScansBefore(cutoff), 1U);
  EXPECT_FALSE(scans.scan(old_scan));
  EXPECT_TRUE(scans.scan(run));  // the monitor still compares its next run with it
  EXPECT_TRUE(scans.scan(running));
  EXPECT_TRUE(scans.scan(recent));
  EXPECT_EQ(count(scans, "SELECT COUNT(*) FROM results"), 1);
}

TEST_P(MonitorStoreTest, AnOlderDatabaseGainsTheTablesWithItsRowsKept) {
  if (!onSqlite()) GTEST_SKIP() << "older databases are SQLite files";
  {
    // The schema before monitors (no monitor tables), with one scan in it.
    Database db(path_);
    db.exec(
        "CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT, status TEXT NOT NULL, owner "
        "TEXT NOT NULL, client TEXT NOT NULL, targets_text TEXT NOT NULL, targets_json TEXT NOT "
        "NULL, mode TEXT NOT NULL, ports_spec TEXT NOT NULL, host_count INTEGER NOT NULL, "
        "port_count INTEGER NOT NULL, ports_done INTEGER NOT NULL DEFAULT 0, probes_sent INTEGER "
        "NOT NULL DEFAULT 0, probes_per_second REAL NOT NULL DEFAULT 0, eta_seconds REAL NOT NULL "
        "DEFAULT -1, open INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0, filtered "
        "INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL, started_ms INTEGER NOT NULL "
        "DEFAULT 0, finished_ms INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', seed "
        "INTEGER NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL "
        "DEFAULT 0, rate REAL NOT NULL DEFAULT 0);"
        "INSERT INTO scans (status, owner, client, targets_text, targets_json, mode, ports_spec, "
        "host_count, port_count, created_ms, seed) VALUES ('done','lab','127.0.0.1','x',"
        "'{\"ranges\":[],\"names\":{}}','connect','22',1,1,5,1);");
  }
  ScanStore scans(path_, clock_);
  EXPECT_EQ(scans.scan(1)->owner, "lab");
  MonitorStore monitors(scans);
  auto id = monitors.insertMonitor(monitorRow("lab"));
  EXPECT_EQ(monitors.monitor(id)->name, "dmz");
  EXPECT_EQ(count(scans, "SELECT COUNT(*) FROM finding_events"), 0);
}

TEST_P(MonitorStoreTest, AcknowledgingKeepsTheFirstAcknowledgement) {
  ScanStore scans(path_, clock_);
  MonitorStore monitors(scans);
  auto id = monitors.insertMonitor(monitorRow("lab"));
  auto run = queueRun(scans, id, 0);
  complete(scans, id, run, {{"k", "port_opened", R"({"kind":"port_opened"})"}}, {});
  auto f = monitors.openFindings(id).at(0);
  clock_.advance(std::chrono::seconds(5));
  EXPECT_TRUE(monitors.acknowledge(f.id, "alice"));
  clock_.advance(std::chrono::seconds(5));
  EXPECT_TRUE(monitors.acknowledge(f.id, "bob"));
  EXPECT_FALSE(monitors.acknowledge(f.id + 100, "bob"));
  auto after = monitors.finding(f.id).value();
  EXPECT_EQ(after.acknowledged_by, "alice");
  EXPECT_EQ(after.acknowledged_ms, 1767225605000);
  EXPECT_EQ(after.resolved_ms, 0);  // still open: acknowledging is not resolving
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitorStoreTest, ::testing::ValuesIn(testing::kTestBackends),
                         testing::backendParamName);

}  // namespace
}  // namespace portlens::store
