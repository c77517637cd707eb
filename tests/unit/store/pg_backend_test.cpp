// What only the PostgreSQL backend has to prove: several connections (processes, machines)
// write one store, so the one-writer guarantee, notifications and a lost connection are
// tested against the real server of the fixture (skipped without it).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "store/change_listener.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/scan_store.h"
#include "support/manual_clock.h"
#include "support/test_database.h"

namespace portlens::store {
namespace {

// PostgreSQL only (instantiated below with that one backend).
class PgBackendTest : public testing::BackendTest {
 protected:
  std::int64_t newScan(ScanStore& store) {
    NewScan s;
    s.owner = "lab";
    s.client = "127.0.0.1";
    s.targets_text = "198.19.0.7";
    s.ports_spec = "1-65535";
    s.targets.add(core::IpAddress::parse("198.19.0.7").value());
    return store.insertScan(s);
  }

  static std::vector<scan::PortRecord> batch(int first_port, int count) {
    std::vector<scan::PortRecord> out;
    for (int p = first_port; p < first_port + count; ++p) {
      scan::PortRecord r;
      r.ip = core::IpAddress::parse("198.19.0.7").value();
      r.port = static_cast<std::uint16_t>(p);
      r.state = scan::PortState::kOpen;
      out.push_back(r);
    }
    return out;
  }

  testing::ManualClock clock_;
};

// Two writers on their own connections append to one scan while a reader follows with
// "seq > last seen", as the event stream does: it must see every row exactly once, which
// holds only if seq increases in commit order (the advisory lock of every write transaction).
TEST_P(PgBackendTest, AReaderFollowingSeqSeesEveryRowOfConcurrentWritersOnce) {
  ScanStore setup(location(), clock_);
  const auto id = newScan(setup);
  constexpr int kBatches = 60;
  constexpr int kPerBatch = 20;
  std::atomic<int> writers_done{0};
  auto writer = [&](int base) {
    ScanStore store(location(), clock_);
    for (int b = 0; b < kBatches; ++b) {
      store.appendResults(id, batch(base + b * kPerBatch, kPerBatch), 0, 0, 0);
    }
    ++writers_done;
  };
  std::thread a(writer, 1);
  std::thread b(writer, 30001);
  ScanStore reader(location(), clock_);
  std::map<int, int> seen;  // port -> times
  std::int64_t last = 0;
  bool final_pass = false;
  while (true) {
    const bool writers_finished = writers_done.load() == 2;
    for (const auto& r : reader.results(id, {scan::PortState::kOpen}, last, 100000)) {
      ASSERT_GT(r.seq, last);
      last = r.seq;
      ++seen[r.record.port];
    }
    if (final_pass) break;
    final_pass = writers_finished;
  }
  a.join();
  b.join();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(2 * kBatches * kPerBatch));
  for (const auto& [port, times] : seen) ASSERT_EQ(times, 1) << "port " << port;
  EXPECT_EQ(reader.scan(id)->ports_done, static_cast<std::uint64_t>(2 * kBatches * kPerBatch));
}

// Other tests of the run notify the same channel (each in its own schema, ids overlap): the
// listener must see this scan's id, whatever else arrives.
TEST_P(PgBackendTest, AppendingResultsNotifiesListenersWithTheScanId) {
  ScanStore store(location(), clock_);
  const auto id = newScan(store);
  ChangeListener listener(location(), kResultsChannel);
  store.appendResults(id, batch(22, 1), 1, 0, 0);
  bool woke = false;
  for (int i = 0; i < 50 && !woke; ++i) {
    for (const auto& payload : listener.wait(std::chrono::milliseconds(100))) {
      woke = woke || payload == std::to_string(id);
    }
  }
  EXPECT_TRUE(woke);
}

// Version 3 of "scans" drops results.scan_id's foreign key (its check was 29% of the server's
// time per stored row): a database left at version 2 loses it on open, with its rows kept.
TEST_P(PgBackendTest, ADatabaseOfVersion2LosesTheResultsForeignKeyWithItsRowsKept) {
  std::int64_t id = 0;
  {
    ScanStore store(location(), clock_);
    id = newScan(store);
    store.appendResults(id, batch(1, 10), 10, 0, 0);
    // As version 2 left it, under a name of its own (the migration drops any).
    store.database().exec(
        "ALTER TABLE results ADD CONSTRAINT results_scan FOREIGN KEY (scan_id) "
        "REFERENCES scans(id); UPDATE schema_versions SET version = 2 WHERE component = 'scans'");
  }
  ScanStore store(location(), clock_);
  auto keys = store.database().prepare(
      "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = to_regclass('results') AND "
      "contype = 'f'");
  ASSERT_TRUE(keys.step());
  EXPECT_EQ(keys.integer(0), 0);
  EXPECT_EQ(schemaVersion(store.database(), "scans"), 3);
  EXPECT_EQ(store.results(id, {scan::PortState::kOpen}, 0, 100).size(), 10u);
}

// COPY (how result batches go in): rows counted, \N read as NULL; a row meeting a taken key
// fails the whole COPY with UniqueViolation, as a missing table fails it with a StoreError,
// and either way the connection is ready for the next statement (libpq's results drained).
TEST_P(PgBackendTest, ACopyCountsItsRowsAndAFailedOneLeavesTheConnectionUsable) {
  Database db(location());
  db.exec("CREATE TABLE t (k TEXT NOT NULL UNIQUE, n BIGINT)");
  db.copyFrom("t (k, n)", "a\t1\nb\t\\N\n");
  EXPECT_EQ(db.changes(), 2);
  EXPECT_THROW(db.copyFrom("t (k, n)", "c\t3\na\t4\n"), UniqueViolation);
  EXPECT_THROW(db.copyFrom("missing (k)", "x\n"), StoreError);
  auto st = db.prepare("SELECT COUNT(*), COUNT(n), MAX(k) FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), 2) << "nothing of the failed COPY stayed";
  EXPECT_EQ(st.integer(1), 1) << "\\N is NULL";
  EXPECT_EQ(st.text(2), "b");
  EXPECT_TRUE(db.healthy());
}

TEST_P(PgBackendTest, ALostConnectionThrowsAndIsNotHealthy) {
  Database db(location());
  auto pid = db.prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.step());
  const std::int64_t backend = pid.integer(0);
  Database admin(location());
  admin.prepare("SELECT pg_terminate_backend(CAST(?1 AS INTEGER))").bind(1, backend).step();
  EXPECT_THROW(db.exec("SELECT 1"), StoreError);
  EXPECT_FALSE(db.healthy());
  Database reopened(location());
  EXPECT_NO_THROW(reopened.exec("SELECT 1"));
}

// The store's connection defaults (a 10 s connect timeout, keepalives) come before the URL's
// own settings, which win: an invalid connect_timeout in the URL must be the one libpq reads.
TEST_P(PgBackendTest, TheUrlsOwnConnectionSettingsOverrideTheDefaults) {
  const std::string url = location();
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  EXPECT_NO_THROW(Database(url + separator + "connect_timeout=3").exec("SELECT 1"));
  EXPECT_THROW(Database(url + separator + "connect_timeout=soon"), ConnectionLost);
}

TEST_P(PgBackendTest, BigIntegersAndRealsRoundTrip) {
  Database db(location());
  db.exec("CREATE TABLE v (i BIGINT, r DOUBLE PRECISION, t TEXT)");
  db.prepare("INSERT INTO v VALUES (?1, ?2, ?3)")
      .bind(1, std::int64_t{1764672000123})
      .bind(2, 0.1)
      .bind(3, std::string_view("it's"))
      .step();
  EXPECT_EQ(db.changes(), 1);
  auto st = db.prepare("SELECT i, r, t, COUNT(*) OVER (), i > ?1 FROM v");
  st.bind(1, std::int64_t{0});
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), 1764672000123);
  EXPECT_EQ(st.real(1), 0.1);
  EXPECT_EQ(st.text(2), "it's");
  EXPECT_EQ(st.integer(3), 1);
  EXPECT_EQ(st.integer(4), 1) << "a boolean reads as 1";
  EXPECT_THROW(st.integer(2), StoreError) << "text is not silently 0";
}

INSTANTIATE_TEST_SUITE_P(Postgres, PgBackendTest, ::testing::Values(Backend::kPostgres),
                         testing::backendParamName);

}  // namespace
}  // namespace portlens::store
