// Leases, heartbeats, take-over and completion of scan shards (store/shard_store.h), with a
// manual clock: no test waits for real time.
#include "store/shard_store.h"

#include <gtest/gtest.h>

#include "support/manual_clock.h"
#include "support/test_database.h"

namespace portlens::store {
namespace {

using std::chrono::milliseconds;

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

// Every case runs on SQLite and on the throwaway PostgreSQL cluster (pg.start), where the
// claim is the FOR UPDATE SKIP LOCKED form.
class ShardStoreTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    store_ = std::make_unique<ScanStore>(location(), clock_);
    shards_ = std::make_unique<ShardStore>(*store_);
  }
  void TearDown() override {
    shards_.reset();
    store_.reset();
    BackendTest::TearDown();
  }

  // One host, ports 1-`ports`, split into shards of `per` ports.
  std::int64_t insert(std::uint64_t ports, std::uint64_t per,
                      scan::ScanType mode = scan::ScanType::kConnect) {
    NewScan s;
    s.owner = "lab";
    s.client = "127.0.0.1";
    s.targets_text = "127.0.0.1";
    s.targets.add(ip("127.0.0.1"));
    s.ports_spec = "1-" + std::to_string(ports);
    s.mode = mode;
    s.pairs_per_shard = per;
    return store_->insertScan(s);
  }
  std::int64_t count(const std::string& sql) {
    auto st = store_->database().prepare(sql);
    st.step();
    return st.integer(0);
  }
  static WorkerInfo worker(const char* name, bool syn = false) {
    WorkerInfo w;
    w.name = name;
    w.address = "test";
    w.capabilities.syn = syn;
    w.lease_ms = 15000;
    return w;
  }
  static scan::PortRecord record(std::uint16_t port, scan::PortState state) {
    scan::PortRecord r;
    r.ip = ip("127.0.0.1");
    r.port = port;
    r.state = state;
    return r;
  }

  testing::ManualClock clock_;
  std::unique_ptr<ScanStore> store_;
  std::unique_ptr<ShardStore> shards_;
};

TEST_P(ShardStoreTest, InsertSplitsByTheRule) {
  const auto one = insert(1000, kDefaultPairsPerShard);
  const auto ten = insert(20000, 2000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM shards WHERE scan_id = " + std::to_string(one)), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM shards WHERE scan_id = " + std::to_string(ten)), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM shards WHERE state <> 'queued'"), 0);
}

TEST_P(ShardStoreTest, LeasesInOrderAndStartsTheScanOnce) {
  const auto id = insert(300, 100);
  const auto a = worker("a");
  shards_->registerWorker(a);
  auto first = shards_->lease(a);
  auto second = shards_->lease(a);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->scan_id, id);
  EXPECT_EQ(first->shard_index, 0);
  EXPECT_TRUE(first->first_lease);
  EXPECT_EQ(second->shard_index, 1);
  EXPECT_FALSE(second->first_lease);
  EXPECT_EQ(second->range, (ShardRange{0, 1, 100, 200}));
  EXPECT_EQ(store_->scan(id)->status, ScanStatus::kRunning);
  EXPECT_EQ(store_->scan(id)->attempts, 1u);
}

TEST_P(ShardStoreTest, ExpiredLeaseIsTakenOverAndTheOldHolderLosesIt) {
  const auto id = insert(100, 1000);
  const auto a = worker("a");
  const auto b = worker("b");
  auto lease = shards_->lease(a);
  ASSERT_TRUE(lease);
  EXPECT_FALSE(shards_->lease(b));  // held
  clock_.advance(milliseconds(15001));
  auto taken = shards_->lease(b);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->shard_index, lease->shard_index);
  EXPECT_EQ(taken->leases, 2);
  EXPECT_TRUE(store_->scan(id)->attempts > 1);  // shown as resumed
  // a's heartbeat learns it lost the shard; its completion changes nothing.
  const auto lost = shards_->heartbeat(a, 0, {{id, 0}});
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(shards_->completeShard(*lease, "a"), ShardEnd::kLost);
  EXPECT_EQ(store_->scan(id)->status, ScanStatus::kRunning);
  EXPECT_EQ(shards_->completeShard(*taken, "b"), ShardEnd::kScanDone);
  EXPECT_EQ(store_->scan(id)->status, ScanStatus::kDone);
}

TEST_P(ShardStoreTest, HeartbeatRenewsTheLease) {
  const auto id = insert(100, 1000);
  const auto a = worker("a");
  ASSERT_TRUE(shards_->lease(a));
  clock_.advance(milliseconds(10000));
  EXPECT_TRUE(shards_->heartbeat(a, 123.0, {{id, 0}}).empty());
  clock_.advance(milliseconds(10000));  // 20 s after the lease, 10 s after the renewal
  EXPECT_FALSE(shards_->lease(worker("b")));
  clock_.advance(milliseconds(5001));
  EXPECT_TRUE(shards_->lease(worker("b")));
}

TEST_P(ShardStoreTest, ReleasedShardIsLeasedAgainAtOnce) {
  insert(100, 1000);
  const auto a = worker("a");
  auto lease = shards_->lease(a);
  ASSERT_TRUE(lease);
  shards_->releaseShard(*lease, "a");
  auto again = shards_->lease(worker("b"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->leases, 2);
}

TEST_P(ShardStoreTest, SynShardsNeedASynWorker) {
  const auto id = insert(100, 1000, scan::ScanType::kSyn);
  EXPECT_FALSE(shards_->lease(worker("connect-only")));
  auto lease = shards_->lease(worker("raw", true));
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->scan_id, id);
  // A syn-capable worker runs connect shards too.
  insert(100, 1000);
  EXPECT_TRUE(shards_->lease(worker("raw", true)));
}

TEST_P(ShardStoreTest, LastShardFinishesTheScanExactlyOnce) {
  const auto id = insert(300, 100);
  const auto a = worker("a");
  std::vector<Lease> leases;
  for (int i = 0; i < 3; ++i) leases.push_back(*shards_->lease(a));
  EXPECT_FALSE(shards_->lease(a));
  EXPECT_EQ(shards_->completeShard(leases[2], "a"), ShardEnd::kShardDone);
  EXPECT_EQ(shards_->completeShard(leases[0], "a"), ShardEnd::kShardDone);
  EXPECT_EQ(store_->scan(id)->status, ScanStatus::kRunning);
  EXPECT_TRUE(store_->pendingCompletions().empty());
  EXPECT_EQ(shards_->completeShard(leases[1], "a"), ShardEnd::kScanDone);
  EXPECT_EQ(shards_->completeShard(leases[1], "a"), ShardEnd::kLost);  // twice: no effect
  const auto row = store_->scan(id);
  EXPECT_EQ(row->status, ScanStatus::kDone);
  EXPECT_GT(row->finished_ms, 0);
  EXPECT_EQ(store_->pendingCompletions(), std::vector<std::int64_t>{id});
  EXPECT_TRUE(store_->clearCompletionPending(id));
  EXPECT_FALSE(store_->clearCompletionPending(id));
}

TEST_P(ShardStoreTest, ResultsMergeOncePerPortAndProbesAdd) {
  const auto id = insert(300, 100);
  const auto a = worker("a");
  auto first = *shards_->lease(a);
  auto second = *shards_->lease(a);
  shards_->appendShardResults(
      first, {record(1, scan::PortState::kOpen), record(2, scan::PortState::kClosed)}, 10, 100.0);
  // A taken-over shard reports a port again: stored once, counted once.
  shards_->appendShardResults(
      second, {record(2, scan::PortState::kOpen), record(150, scan::PortState::kClosed)}, 5, 50.0);
  const auto row = store_->scan(id);
  EXPECT_EQ(row->ports_done, 3u);
  EXPECT_EQ(row->counts.open, 1u);
  EXPECT_EQ(row->counts.closed, 2u);
  EXPECT_EQ(row->probes_sent, 15u);
  EXPECT_DOUBLE_EQ(row->probes_per_second, 150.0);
  EXPECT_DOUBLE_EQ(row->eta_seconds, (300.0 - 3.0) / 150.0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM results WHERE scan_id = " + std::to_string(id)), 3);
}

// A shard's last records come with its completion (one transaction): counted like appended
// ones, and kept even when the lease was lost meanwhile (first answer wins).
TEST_P(ShardStoreTest, CompletionStoresTheLastRecords) {
  const auto id = insert(200, 100);
  const auto a = worker("a");
  auto first = *shards_->lease(a);
  auto second = *shards_->lease(a);
  EXPECT_EQ(
      shards_->completeShard(
          first, "a", {record(1, scan::PortState::kOpen), record(2, scan::PortState::kClosed)}, 7),
      ShardEnd::kShardDone);
  auto row = store_->scan(id);
  EXPECT_EQ(row->ports_done, 2u);
  EXPECT_EQ(row->counts.open, 1u);
  EXPECT_EQ(row->probes_sent, 7u);
  // A lost lease stores nothing: the shard's new holder probes what was not stored.
  EXPECT_EQ(shards_->completeShard(first, "a", {record(3, scan::PortState::kClosed)}, 1),
            ShardEnd::kLost);
  EXPECT_EQ(store_->scan(id)->ports_done, 2u);
  EXPECT_EQ(shards_->completeShard(second, "a", {record(101, scan::PortState::kClosed)}, 1),
            ShardEnd::kScanDone);
  row = store_->scan(id);
  EXPECT_EQ(row->status, ScanStatus::kDone);
  EXPECT_EQ(row->ports_done, 3u);
  EXPECT_EQ(row->counts.closed, 2u);
  EXPECT_EQ(row->probes_sent, 8u);
  EXPECT_DOUBLE_EQ(row->eta_seconds, 0.0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM results WHERE scan_id = " + std::to_string(id)), 3);
  // Nor does a late completion once the scan is finished (a monitor's run may be completed).
  EXPECT_EQ(shards_->completeShard(second, "a", {record(102, scan::PortState::kOpen)}, 5),
            ShardEnd::kLost);
  EXPECT_EQ(store_->scan(id)->counts.open, 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM results WHERE scan_id = " + std::to_string(id)), 3);
}

TEST_P(ShardStoreTest, CancelStopsLeasingAndEndsTheScan) {
  const auto id = insert(300, 100);
  const auto a = worker("a");
  auto lease = shards_->lease(a);
  ASSERT_TRUE(lease);
  ASSERT_TRUE(store_->requestCancel(id));
  EXPECT_FALSE(shards_->lease(worker("b")));  // the other shards are not handed out
  EXPECT_EQ(shards_->sweepCancelled(), 0);    // a still holds one
  shards_->releaseShard(*lease, "a");
  EXPECT_EQ(shards_->sweepCancelled(), 1);
  EXPECT_EQ(store_->scan(id)->status, ScanStatus::kCancelled);
  EXPECT_EQ(store_->pendingCompletions(), std::vector<std::int64_t>{id});
}

TEST_P(ShardStoreTest, CancelByTheRunningWorker) {
  const auto id = insert(100, 1000);
  auto lease = shards_->lease(worker("a"));
  ASSERT_TRUE(store_->requestCancel(id));
  shards_->cancelScan(id);
  EXPECT_EQ(store_->scan(id)->status, ScanStatus::kCancelled);
  EXPECT_EQ(shards_->completeShard(*lease, "a"), ShardEnd::kLost);
}

TEST_P(ShardStoreTest, FailureFailsTheScanAndFreesNothingMore) {
  const auto id = insert(300, 100);
  ASSERT_TRUE(shards_->lease(worker("a")));
  shards_->failScan(id, "boom");
  EXPECT_EQ(store_->scan(id)->status, ScanStatus::kFailed);
  EXPECT_EQ(store_->scan(id)->error, "boom");
  EXPECT_FALSE(shards_->lease(worker("b")));
}

TEST_P(ShardStoreTest, WorkersListLeasesAndLiveness) {
  insert(300, 100);
  const auto a = worker("a");
  auto b = worker("b");
  b.capabilities.syn = true;
  shards_->registerWorker(a);
  shards_->registerWorker(b);
  ASSERT_TRUE(shards_->lease(a));
  ASSERT_TRUE(shards_->lease(a));
  shards_->heartbeat(a, 42.0, {});
  auto rows = shards_->workers();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "a");
  EXPECT_EQ(rows[0].leases_held, 2u);
  EXPECT_DOUBLE_EQ(rows[0].probes_per_second, 42.0);
  EXPECT_TRUE(rows[0].alive);
  EXPECT_EQ(rows[1].capabilities, "connect,syn");
  clock_.advance(milliseconds(15001));
  rows = shards_->workers();
  EXPECT_FALSE(rows[0].alive);
  EXPECT_EQ(rows[0].leases_held, 0u);  // expired
  // Registering again (a restart of the same name) releases what it held.
  shards_->heartbeat(a, 0, {});
  shards_->registerWorker(a);
  EXPECT_EQ(count("SELECT COUNT(*) FROM shards WHERE state = 'leased'"), 0);
}

// The API accepts a SYN scan only while a live SYN-capable worker exists (api_routes.h).
TEST_P(ShardStoreTest, ALiveWorkerCanRunSynOnlyWithTheSynCapabilityAndAFreshHeartbeat) {
  EXPECT_FALSE(shards_->liveWorkerCan(scan::ScanType::kSyn)) << "no worker at all";
  EXPECT_FALSE(shards_->liveWorkerCan(scan::ScanType::kConnect));
  shards_->registerWorker(worker("connect-only"));
  EXPECT_FALSE(shards_->liveWorkerCan(scan::ScanType::kSyn));
  EXPECT_TRUE(shards_->liveWorkerCan(scan::ScanType::kConnect));
  auto syn_only = worker("syn-runner", true);
  syn_only.capabilities.connect = false;  // serve's SYN runner process: capabilities "syn"
  shards_->registerWorker(syn_only);
  EXPECT_TRUE(shards_->liveWorkerCan(scan::ScanType::kSyn));
  clock_.advance(milliseconds(15000));  // exactly the lease length: still alive
  EXPECT_TRUE(shards_->liveWorkerCan(scan::ScanType::kSyn));
  clock_.advance(milliseconds(1));
  EXPECT_FALSE(shards_->liveWorkerCan(scan::ScanType::kSyn)) << "its heartbeat is stale";
  shards_->heartbeat(syn_only, 0, {});
  EXPECT_TRUE(shards_->liveWorkerCan(scan::ScanType::kSyn));
}

TEST_P(ShardStoreTest, WorkersSilentForADayAreForgotten) {
  shards_->registerWorker(worker("gone"));
  clock_.advance(milliseconds(ShardStore::kWorkerRetentionMs - 1000));
  shards_->registerWorker(worker("recent"));
  EXPECT_EQ(shards_->removeStaleWorkers(), 0) << "a day has not passed";
  ASSERT_EQ(shards_->workers().size(), 2u);
  EXPECT_FALSE(shards_->workers()[0].alive) << "listed as stale until removed";
  clock_.advance(milliseconds(1001));
  EXPECT_EQ(shards_->workers().size(), 1u) << "past the retention it is no longer listed";
  EXPECT_EQ(shards_->removeStaleWorkers(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM workers"), 1);
  EXPECT_EQ(shards_->workers()[0].name, "recent");
  EXPECT_EQ(shards_->removeStaleWorkers(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ShardStoreTest, ::testing::ValuesIn(testing::kTestBackends),
                         testing::backendParamName);

}  // namespace
}  // namespace portlens::store
