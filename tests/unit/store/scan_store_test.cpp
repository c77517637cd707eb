#include "store/scan_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "store/database.h"
#include "support/manual_clock.h"
#include "support/test_database.h"

namespace portlens::store {
namespace {

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

class ScanStoreTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    dir_ = dir();
    path_ = location();
  }

  NewScan newScan() {
    NewScan s;
    s.owner = "lab";
    s.client = "127.0.0.1";
    s.targets_text = "lab.example 198.19.0.8";
    s.ports_spec = "1-1024,8080";
    s.targets.add(ip("198.19.0.7"));
    s.targets.nameAddress(ip("198.19.0.7"), "lab.example");
    s.targets.add(ip("198.19.0.8"));
    s.targets.add(ip("2001:2:0:1::7"));
    s.seed = 7;
    return s;
  }

  static scan::PortRecord rec(const char* address, std::uint16_t port, scan::PortState state) {
    scan::PortRecord r;
    r.ip = ip(address);
    r.port = port;
    r.state = state;
    r.reason = state == scan::PortState::kOpen ? scan::Reason::kSynAck : scan::Reason::kNoResponse;
    r.rtt = std::chrono::microseconds(120);
    r.ttl = 64;
    return r;
  }

  std::filesystem::path dir_;
  std::string path_;
  testing::ManualClock clock_;
};

TEST_P(ScanStoreTest, ScansAreAQueue) {
  ScanStore store(path_, clock_);
  auto a = store.insertScan(newScan());
  auto b = store.insertScan(newScan());
  auto row = store.scan(a).value();
  EXPECT_EQ(row.status, ScanStatus::kQueued);
  EXPECT_EQ(row.port_count, 1025u);
  EXPECT_EQ(row.host_count, 3u);
  EXPECT_EQ(store.countActive("lab", "127.0.0.1"), 2u);
  EXPECT_EQ(store.claimNextQueued()->id, a);
  EXPECT_EQ(store.claimNextQueued()->id, b);
  EXPECT_FALSE(store.claimNextQueued());
  EXPECT_EQ(store.scan(a)->status, ScanStatus::kRunning);
  EXPECT_EQ(store.scan(a)->attempts, 1u);
  store.finishScan(a, ScanStatus::kDone, "", 10);
  EXPECT_EQ(store.scan(a)->status, ScanStatus::kDone);
  EXPECT_EQ(store.listScans(std::nullopt, 0, 10).front().id, b);
  EXPECT_EQ(store.listScans(std::string("lab"), b, 10).front().id, a);
  EXPECT_TRUE(store.listScans(std::string("other"), 0, 10).empty());
}

// GET /metrics' portlens_scan_queue_depth: everyone's queued and running scans, not final ones.
TEST_P(ScanStoreTest, QueueDepthCountsQueuedAndRunning) {
  ScanStore store(path_, clock_);
  EXPECT_EQ(store.queueDepth().queued, 0u);
  auto a = store.insertScan(newScan());
  auto other = newScan();
  other.owner = "someone-else";
  store.insertScan(other);
  store.insertScan(newScan());
  EXPECT_EQ(store.queueDepth().queued, 3u);
  EXPECT_EQ(store.queueDepth().running, 0u);
  store.claimNextQueued();
  store.claimNextQueued();
  EXPECT_EQ(store.queueDepth().queued, 1u);
  EXPECT_EQ(store.queueDepth().running, 2u);
  store.finishScan(a, ScanStatus::kDone, "", 1);
  EXPECT_EQ(store.queueDepth().running, 1u);
}

// created/started/finished are the store clock's wall time, in milliseconds since the epoch.
TEST_P(ScanStoreTest, TimestampsComeFromTheStoresClock) {
  ScanStore store(path_, clock_);
  const std::int64_t start_ms = 1767225600000;  // the manual clock's 2026-01-01T00:00:00Z
  const auto id = store.insertScan(newScan());
  clock_.advance(std::chrono::milliseconds(1500));
  ASSERT_TRUE(store.claimNextQueued());
  clock_.advance(std::chrono::seconds(42));
  store.finishScan(id, ScanStatus::kDone, "", 10);
  const auto row = store.scan(id).value();
  EXPECT_EQ(row.created_ms, start_ms);
  EXPECT_EQ(row.started_ms, start_ms + 1500);
  EXPECT_EQ(row.finished_ms, start_ms + 43500);
}

TEST_P(ScanStoreTest, TargetsRoundTripWithNames) {
  ScanStore store(path_, clock_);
  auto id = store.insertScan(newScan());
  auto set = store.scanTargets(id);
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.hostnameOf(ip("198.19.0.7")), "lab.example");
  EXPECT_TRUE(set.contains(ip("2001:2:0:1::7")));
}

TEST_P(ScanStoreTest, ResultsKeepTheFirstAnswerAndOrder) {
  ScanStore store(path_, clock_);
  auto id = store.insertScan(newScan());
  store.appendResults(id,
                      {rec("198.19.0.7", 22, scan::PortState::kOpen),
                       rec("198.19.0.7", 23, scan::PortState::kFiltered),
                       rec("198.19.0.7", 24, scan::PortState::kClosed)},
                      3, 100, 5);
  // A resumed scan reports 22 again: ignored, nothing counted twice.
  store.appendResults(id,
                      {rec("198.19.0.7", 22, scan::PortState::kClosed),
                       rec("2001:2:0:1::7", 1, scan::PortState::kOpen)},
                      5, 100, 0);
  auto row = store.scan(id).value();
  EXPECT_EQ(row.ports_done, 4u);
  EXPECT_EQ(row.counts.open, 2u);
  EXPECT_EQ(row.counts.closed, 1u);
  auto open = store.results(id, {scan::PortState::kOpen}, 0, 100);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].record.port, 22);
  EXPECT_EQ(open[0].record.state, scan::PortState::kOpen);
  EXPECT_EQ(open[0].record.rtt, std::chrono::microseconds(120));
  EXPECT_EQ(open[0].record.ttl, 64);
  EXPECT_LT(open[0].seq, open[1].seq);
  auto after = store.results(id, {scan::kAllPortStates.begin(), scan::kAllPortStates.end()},
                             open[0].seq, 100);
  EXPECT_EQ(after.size(), 3u);
  EXPECT_EQ(store.donePorts(id).size(), 4u);
}

// A batch larger than one INSERT statement (500 rows), with a port repeated inside it and
// across statements: each (ip, port) stored once with its first answer, counts exact, seq in
// the batch's order.
TEST_P(ScanStoreTest, LargeBatchesStoreEachPortOnceInOrder) {
  ScanStore store(path_, clock_);
  auto id = store.insertScan(newScan());
  std::vector<scan::PortRecord> batch;
  for (std::uint16_t port = 1; port <= 1200; ++port) {
    batch.push_back(
        rec("198.19.0.7", port, port % 3 == 0 ? scan::PortState::kOpen : scan::PortState::kClosed));
  }
  batch.push_back(rec("198.19.0.7", 3, scan::PortState::kClosed));    // same statement as 3
  batch.push_back(rec("198.19.0.7", 600, scan::PortState::kClosed));  // a later statement
  store.appendResults(id, batch, batch.size(), 100, 0);
  const auto row = store.scan(id).value();
  EXPECT_EQ(row.ports_done, 1200u);
  EXPECT_EQ(row.counts.open, 400u);
  EXPECT_EQ(row.counts.closed, 800u);
  const auto all =
      store.results(id, {scan::kAllPortStates.begin(), scan::kAllPortStates.end()}, 0, 2000);
  ASSERT_EQ(all.size(), 1200u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].record.port, i + 1) << "seq follows the batch's order";
    if (i > 0) {
      EXPECT_LT(all[i - 1].seq, all[i].seq);
    }
  }
  EXPECT_EQ(all[2].record.state, scan::PortState::kOpen) << "port 3 keeps its first answer";
  EXPECT_EQ(all[599].record.state, scan::PortState::kOpen) << "port 600 too";
}

// Batches that each meet ports stored before, one after another on one connection (on
// PostgreSQL each goes again through the same temporary table): each stores only its new
// ports, in its own order, counted once.
TEST_P(ScanStoreTest, OverlappingBatchesOneAfterAnotherStoreOnlyTheirNewPorts) {
  ScanStore store(path_, clock_);
  const auto id = store.insertScan(newScan());
  const auto batch = [](std::uint16_t first, std::uint16_t last) {
    std::vector<scan::PortRecord> out;
    for (auto port = last; port >= first; --port) {  // descending: seq must follow the batch
      out.push_back(rec("198.19.0.7", port, scan::PortState::kClosed));
    }
    return out;
  };
  store.appendResults(id, batch(1, 10), 10, 0, 0);
  store.appendResults(id, batch(5, 15), 11, 0, 0);
  store.appendResults(id, batch(10, 20), 11, 0, 0);
  const auto all =
      store.results(id, {scan::kAllPortStates.begin(), scan::kAllPortStates.end()}, 0, 100);
  std::vector<std::uint16_t> ports(all.size());
  std::transform(all.begin(), all.end(), ports.begin(),
                 [](const StoredRecord& r) { return r.record.port; });
  EXPECT_EQ(ports, (std::vector<std::uint16_t>{10, 9,  8,  7,  6,  5,  4,  3,  2,  1,
                                               15, 14, 13, 12, 11, 20, 19, 18, 17, 16}));
  EXPECT_EQ(store.scan(id)->ports_done, 20u);
  EXPECT_EQ(store.scan(id)->counts.closed, 20u);
}

// Results of a scan that does not exist (deleted while a worker still stored) are refused
// with an error on both backends and nothing of the batch is stored: SQLite's foreign key, on
// PostgreSQL (no foreign key, store_schema.cpp's version 3) the scan row's UPDATE that changed
// nothing, which rolls the batch back.
TEST_P(ScanStoreTest, ResultsOfAScanThatDoesNotExistAreRefused) {
  ScanStore store(path_, clock_);
  const auto id = store.insertScan(newScan());
  const std::vector<scan::PortRecord> batch = {rec("198.19.0.7", 22, scan::PortState::kOpen),
                                               rec("198.19.0.7", 23, scan::PortState::kClosed)};
  EXPECT_THROW(store.appendResults(id + 1, batch, 2, 100, 0), StoreError);
  auto rows = store.database().prepare("SELECT COUNT(*) FROM results");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 0);
  store.appendResults(id, batch, 2, 100, 0);  // the connection goes on
  EXPECT_EQ(store.scan(id)->ports_done, 2u);
}

// A database written before results kept the TTL opens, gains the column once (two
// connections open it), keeps its rows, and stores TTLs from then on.
TEST_P(ScanStoreTest, OlderDatabasesGainTheTtlColumn) {
  if (!onSqlite()) GTEST_SKIP() << "older databases are SQLite files";
  {
    Database old(path_);
    old.exec(
        "CREATE TABLE results (seq INTEGER PRIMARY KEY AUTOINCREMENT, scan_id INTEGER NOT NULL, "
        "ip TEXT NOT NULL, port INTEGER NOT NULL, state INTEGER NOT NULL, reason INTEGER NOT "
        "NULL, rtt_ns INTEGER NOT NULL, attempts INTEGER NOT NULL, hostname TEXT NOT NULL, "
        "UNIQUE(scan_id, ip, port));"
        "INSERT INTO results (scan_id, ip, port, state, reason, rtt_ns, attempts, hostname) "
        "VALUES (1, '198.19.0.7', 22, 0, 0, 1000, 1, '');");  // open, syn-ack
  }
  ScanStore first(path_, clock_);
  ScanStore second(path_, clock_);
  auto id = first.insertScan(newScan());
  ASSERT_EQ(id, 1);
  auto kept = second.results(1, {scan::PortState::kOpen}, 0, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].record.ttl, 0) << "rows from before the column have no TTL";
  EXPECT_EQ(kept[0].record.service, nullptr) << "nor a service";
  auto detected = rec("198.19.0.7", 80, scan::PortState::kOpen);
  auto http = std::make_shared<scan::ServiceInfo>();
  http->name = "http";
  detected.service = http;
  second.appendResults(1, {detected}, 2, 0, 0);
  auto both = first.results(1, {scan::PortState::kOpen}, 0, 10);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].record.ttl, 64);
  ASSERT_NE(both[1].record.service, nullptr) << "the service column was added too";
  EXPECT_EQ(both[1].record.service->name, "http");
}

// A scans table from before ports_label gains the column; its rows read as "" (the API then
// describes them by their port count) and new scans keep what the user chose.
TEST_P(ScanStoreTest, OlderDatabasesGainThePortsLabelColumn) {
  if (!onSqlite()) GTEST_SKIP() << "older databases are SQLite files";
  {
    Database old(path_);
    old.exec(
        "CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT, status TEXT NOT NULL, "
        "owner TEXT NOT NULL, client TEXT NOT NULL, targets_text TEXT NOT NULL, "
        "targets_json TEXT NOT NULL, mode TEXT NOT NULL, ports_spec TEXT NOT NULL, "
        "host_count INTEGER NOT NULL, port_count INTEGER NOT NULL, "
        "ports_done INTEGER NOT NULL DEFAULT 0, probes_sent INTEGER NOT NULL DEFAULT 0, "
        "probes_per_second REAL NOT NULL DEFAULT 0, eta_seconds REAL NOT NULL DEFAULT -1, "
        "open INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0, "
        "filtered INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL, "
        "started_ms INTEGER NOT NULL DEFAULT 0, finished_ms INTEGER NOT NULL DEFAULT 0, "
        "error TEXT NOT NULL DEFAULT '', seed INTEGER NOT NULL, "
        "cancel_requested INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, "
        "rate REAL NOT NULL DEFAULT 0);"
        "INSERT INTO scans (status, owner, client, targets_text, targets_json, mode, ports_spec, "
        "host_count, port_count, created_ms, seed) VALUES ('done', 'lab', '127.0.0.1', "
        "'198.19.0.7', '{\"ranges\":[],\"names\":{}}', 'connect', '22', 1, 1, 1, 1);");
  }
  ScanStore first(path_, clock_);
  ScanStore second(path_, clock_);
  EXPECT_EQ(first.scan(1)->ports_label, "");
  EXPECT_FALSE(first.scan(1)->service_detection) << "older scans did not detect services";
  auto scan = newScan();
  scan.ports_label = "top1000";
  scan.service_detection = true;
  auto id = second.insertScan(scan);
  EXPECT_EQ(first.scan(id)->ports_label, "top1000");
  EXPECT_TRUE(first.scan(id)->service_detection);
}

// Records carry their ServiceInfo through the store, byte for byte; records without one come
// back without one; a stored value this version cannot read drops only that port's service.
TEST_P(ScanStoreTest, ServicesRoundTripAndACorruptValueIsDropped) {
  ScanStore store(path_, clock_);
  auto id = store.insertScan(newScan());
  auto ssh = rec("198.19.0.7", 22, scan::PortState::kOpen);
  scan::ServiceInfo info;
  info.name = "ssh";
  info.product = "OpenSSH";
  info.version = "9.2p1 Debian 2+deb12u3";
  info.banner = std::string("SSH-2.0-OpenSSH_9.2p1\r\n\0\xff", 25);
  ssh.service = std::make_shared<scan::ServiceInfo>(info);
  store.appendResults(id, {ssh, rec("198.19.0.7", 80, scan::PortState::kOpen)}, 2, 0, 0);
  {
    Database raw(path_);
    raw.exec("UPDATE results SET service = '{\"format\":1,' WHERE port = 80");
  }
  auto stored = store.results(id, {scan::PortState::kOpen}, 0, 10);
  ASSERT_EQ(stored.size(), 2u);
  ASSERT_NE(stored[0].record.service, nullptr);
  EXPECT_EQ(stored[0].record.service->product, "OpenSSH");
  EXPECT_EQ(stored[0].record.service->version, info.version);
  EXPECT_EQ(stored[0].record.service->banner, info.banner);
  EXPECT_EQ(stored[1].record.service, nullptr);
  EXPECT_EQ(stored[1].record.port, 80) << "the port itself is still there";
}

// PostgreSQL receives a batch as COPY rows (pg_sql.h, PgCopyText): text a peer or a resolver
// chose, with COPY's own separators and escapes in it (tabs, line ends, backslashes, \N, \.),
// comes back exactly as it went in, on both backends.
TEST_P(ScanStoreTest, HostileTextInABatchComesBackUnchanged) {
  ScanStore store(path_, clock_);
  const auto id = store.insertScan(newScan());
  const std::vector<std::string> texts = {
      R"(a,b)", R"({x})",   R"("quoted")", R"(back\slash\)", "NULL",
      "",       "\"}{,\\",  "\xc3\xa9 \t", "two\nlines\r\n", R"(\N)",
      R"(\.)",  "\\.\n\\.", "a\tb\tc"};
  std::vector<scan::PortRecord> batch;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto r = rec("198.19.0.7", static_cast<std::uint16_t>(1000 + i), scan::PortState::kOpen);
    r.hostname = texts[i];
    scan::ServiceInfo info;
    info.name = "x";
    info.banner = texts[i];
    info.product = texts[(i + 1) % texts.size()];
    r.service = std::make_shared<scan::ServiceInfo>(info);
    batch.push_back(r);
  }
  batch.push_back(rec("198.19.0.7", 2000, scan::PortState::kClosed));  // no service: NULL
  store.appendResults(id, batch, batch.size(), 0, 0);
  const auto stored = store.results(id, {scan::PortState::kOpen, scan::PortState::kClosed}, 0, 100);
  ASSERT_EQ(stored.size(), batch.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(stored[i].record.hostname, texts[i]) << i;
    ASSERT_NE(stored[i].record.service, nullptr) << i;
    EXPECT_EQ(stored[i].record.service->banner, texts[i]) << i;
    EXPECT_EQ(stored[i].record.service->product, texts[(i + 1) % texts.size()]) << i;
  }
  EXPECT_EQ(stored.back().record.service, nullptr);
  EXPECT_EQ(store.scan(id)->counts[scan::PortState::kOpen], texts.size())
      << "counted from the rows inserted";
  EXPECT_EQ(store.scan(id)->counts[scan::PortState::kClosed], 1u);
}

TEST_P(ScanStoreTest, DifferingResultsAreThePortsWhoseStateOrServiceChanged) {
  ScanStore store(path_, clock_);
  const auto before = store.insertScan(newScan());
  const auto after = store.insertScan(newScan());
  auto withProduct = [](scan::PortRecord r, const char* product) {
    scan::ServiceInfo info;
    info.name = "http";
    info.product = product;
    r.service = std::make_shared<scan::ServiceInfo>(info);
    return r;
  };
  using scan::PortState;
  store.appendResults(before,
                      {rec("198.19.0.7", 22, PortState::kOpen),    // unchanged
                       rec("198.19.0.7", 23, PortState::kClosed),  // opens
                       rec("198.19.0.7", 25, PortState::kOpen),    // closes
                       withProduct(rec("198.19.0.7", 80, PortState::kOpen), "nginx"),
                       withProduct(rec("198.19.0.8", 80, PortState::kOpen), "nginx"),
                       rec("198.19.0.8", 443, PortState::kOpen),    // gains a service
                       rec("198.19.0.8", 8080, PortState::kOpen)},  // not in the second scan
                      7, 0, 0);
  store.appendResults(
      after,
      {rec("198.19.0.7", 22, PortState::kOpen), rec("198.19.0.7", 23, PortState::kOpen),
       rec("198.19.0.7", 25, PortState::kClosed),
       withProduct(rec("198.19.0.7", 80, PortState::kOpen), "Apache httpd"),
       withProduct(rec("198.19.0.8", 80, PortState::kOpen), "nginx"),
       withProduct(rec("198.19.0.8", 443, PortState::kOpen), "nginx"),
       rec("198.19.0.8", 9090, PortState::kOpen)},  // not in the first
      7, 0, 0);
  auto differing = store.differingResults(before, after);
  auto keys = [](const std::vector<scan::PortRecord>& records) {
    std::set<std::pair<std::string, std::uint16_t>> out;
    for (const auto& r : records) out.emplace(r.ip.toString(), r.port);
    return out;
  };
  const std::set<std::pair<std::string, std::uint16_t>> want{
      {"198.19.0.7", 23}, {"198.19.0.7", 25}, {"198.19.0.7", 80}, {"198.19.0.8", 443}};
  EXPECT_EQ(keys(differing.before), want);
  EXPECT_EQ(keys(differing.after), want);
  ASSERT_EQ(differing.before.size(), differing.after.size());
  for (std::size_t i = 0; i < differing.before.size(); ++i) {
    EXPECT_EQ(differing.before[i].port, differing.after[i].port) << "rows come in pairs";
    if (differing.after[i].port == 80) {
      ASSERT_NE(differing.after[i].service, nullptr);
      EXPECT_EQ(differing.after[i].service->product, "Apache httpd");
      EXPECT_EQ(differing.before[i].service->product, "nginx");
    }
  }
}

TEST_P(ScanStoreTest, RestartRequeuesRunningScansAndCancelWorks) {
  std::int64_t a = 0, b = 0, c = 0;
  {
    ScanStore store(path_, clock_);
    a = store.insertScan(newScan());
    b = store.insertScan(newScan());
    c = store.insertScan(newScan());
    store.claimNextQueued();
    store.claimNextQueued();
    EXPECT_TRUE(store.requestCancel(b));  // running: flagged
    EXPECT_TRUE(store.requestCancel(c));  // queued: cancelled at once
    EXPECT_EQ(store.scan(c)->status, ScanStatus::kCancelled);
    EXPECT_FALSE(store.requestCancel(c));
  }
  ScanStore reopened(path_, clock_);
  EXPECT_EQ(reopened.requeueInterrupted(), 1);
  EXPECT_EQ(reopened.scan(a)->status, ScanStatus::kQueued);
  EXPECT_EQ(reopened.scan(b)->status, ScanStatus::kCancelled);
  EXPECT_EQ(reopened.claimNextQueued()->attempts, 2u);
}

TEST_P(ScanStoreTest, TokensAreFoundByHash) {
  ScanStore store(path_, clock_);
  store.insertToken({"lab", "abc123", "198.19.0.0/16", true});
  auto t = store.tokenByHash("abc123").value();
  EXPECT_EQ(t.name, "lab");
  EXPECT_TRUE(t.admin);
  EXPECT_FALSE(store.tokenByHash("nope"));
  EXPECT_THROW(store.insertToken({"lab", "other", "", false}), StoreError);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScanStoreTest, ::testing::ValuesIn(testing::kTestBackends),
                         testing::backendParamName);

}  // namespace
}  // namespace portlens::store
