#include "alerts/dispatcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "alerts/delivery_error.h"
#include "event_fixture.h"
#include "store/sqlite_db.h"
#include "support/manual_clock.h"

namespace portlens::alerts {
namespace {

using std::chrono::milliseconds;

// The contract with the monitors: they create and fill this table.
constexpr const char* kEventsTable = R"sql(
CREATE TABLE finding_events(id INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor_id INTEGER NOT NULL, finding_id INTEGER NOT NULL,
  event TEXT NOT NULL CHECK(event IN ('finding_opened','finding_resolved')),
  scan_id INTEGER, at_ms INTEGER NOT NULL, finding_json TEXT NOT NULL,
  monitor_json TEXT NOT NULL))sql";

constexpr const char* kTwoDestinations =
    R"([{"type":"webhook","url":"http://127.0.0.1:1/h","secret":"s"},)"
    R"({"type":"syslog","socket":"/tmp/none.sock"}])";

struct Attempt {
  std::string delivery_id;
  DestinationType type;
  std::string event;
  std::int64_t at_steady_ms;
};

// Records every attempt; fails the first `failures` of them (permanently if asked).
class FakeDeliverer final : public Deliverer {
 public:
  explicit FakeDeliverer(core::Clock& clock) : clock_(clock) {}
  void deliver(const AlertEvent& event, const Destination& destination,
               const std::string& delivery_id) override {
    std::lock_guard lock(mutex_);
    attempts.push_back(
        {delivery_id, destination.type, event.event,
         std::chrono::duration_cast<milliseconds>(clock_.now().time_since_epoch()).count()});
    changed_.notify_all();
    if (failures > 0) {
      --failures;
      throw DeliveryError("receiver down", permanent);
    }
  }
  bool waitForAttempts(std::size_t count) {
    std::unique_lock lock(mutex_);
    // Real waiting only bounds a broken test; a passing one returns at the delivery.
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return attempts.size() >= count; });
  }

  std::vector<Attempt> attempts;
  int failures = 0;
  bool permanent = false;

 private:
  core::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("portlens-alerts-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    db_ = std::make_unique<store::Database>(path_);
    db_->exec(kEventsTable);
    outbox_ = std::make_unique<AlertOutbox>(*db_);
  }
  ~DispatcherTest() override {
    outbox_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  void addEvent(const std::string& event, const std::string& alerts) {
    const AlertEvent e = sampleEvent(event, alerts);
    auto st = db_->prepare(
        "INSERT INTO finding_events(monitor_id, finding_id, event, scan_id, at_ms, "
        "finding_json, monitor_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, e.monitor_id).bind(2, e.finding_id).bind(3, e.event).bind(4, *e.scan_id);
    st.bind(5, e.at_ms).bind(6, e.finding_json).bind(7, e.monitor_json).step();
  }

  std::string stateOf(const std::string& delivery_id) {
    auto st = db_->prepare(
        "SELECT state, attempts, last_error FROM alert_deliveries "
        "WHERE 'e' || event_id || '-d' || destination = ?");
    st.bind(1, delivery_id);
    if (!st.step()) return "none";
    return st.text(0) + "/" + std::to_string(st.integer(1)) +
           (st.text(2).empty() ? "" : "/" + st.text(2));
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AlertOutbox> outbox_;
  testing::ManualClock clock_;
  FakeDeliverer deliverer_{clock_};
};

TEST_F(DispatcherTest, EachEventToEachDestinationOnce) {
  AlertDispatcher dispatcher(path_, deliverer_, clock_);
  addEvent("finding_opened", kTwoDestinations);
  addEvent("finding_resolved", kTwoDestinations);
  addEvent("finding_opened", "[]");  // a monitor without alerts: nothing to deliver
  const PassResult first = dispatcher.passOnce(*outbox_);
  EXPECT_EQ(first.delivered, 4u);
  ASSERT_EQ(deliverer_.attempts.size(), 4u);
  EXPECT_EQ(deliverer_.attempts[0].delivery_id, "e1-d0");
  EXPECT_EQ(deliverer_.attempts[0].type, DestinationType::kWebhook);
  EXPECT_EQ(deliverer_.attempts[1].delivery_id, "e1-d1");
  EXPECT_EQ(deliverer_.attempts[1].type, DestinationType::kSyslog);
  EXPECT_EQ(deliverer_.attempts[3].delivery_id, "e2-d1");
  EXPECT_EQ(deliverer_.attempts[3].event, "finding_resolved");
  EXPECT_EQ(first.wait, milliseconds(250)) << "nothing pending: the poll interval";
  EXPECT_EQ(dispatcher.passOnce(*outbox_).delivered, 0u);
  EXPECT_EQ(deliverer_.attempts.size(), 4u);
  EXPECT_EQ(stateOf("e2-d0"), "delivered/0");
}

TEST_F(DispatcherTest, RetriesWithExponentialBackoff) {
  DispatcherSettings settings;
  settings.poll = milliseconds(60000);
  AlertDispatcher dispatcher(path_, deliverer_, clock_, settings);
  deliverer_.failures = 3;
  addEvent("finding_opened", R"([{"type":"syslog"}])");
  for (int pass = 0; pass < 40 && deliverer_.attempts.size() < 4; ++pass) {
    const PassResult result = dispatcher.passOnce(*outbox_);
    clock_.advance(result.wait);
  }
  ASSERT_EQ(deliverer_.attempts.size(), 4u);
  // Attempts at 0, then 1 s, 2 s and 4 s after each failure.
  EXPECT_EQ(deliverer_.attempts[0].at_steady_ms, 0);
  EXPECT_EQ(deliverer_.attempts[1].at_steady_ms, 1000);
  EXPECT_EQ(deliverer_.attempts[2].at_steady_ms, 3000);
  EXPECT_EQ(deliverer_.attempts[3].at_steady_ms, 7000);
  EXPECT_EQ(stateOf("e1-d0"), "delivered/3");
  for (const auto& attempt : deliverer_.attempts) EXPECT_EQ(attempt.delivery_id, "e1-d0");
}

TEST_F(DispatcherTest, BackoffIsCappedAndGivesUp) {
  RetryPolicy policy;
  EXPECT_EQ(retryDelay(policy, 1), milliseconds(1000));
  EXPECT_EQ(retryDelay(policy, 4), milliseconds(8000));
  EXPECT_EQ(retryDelay(policy, 10), milliseconds(512000));
  EXPECT_EQ(retryDelay(policy, 11), milliseconds(600000));
  EXPECT_EQ(retryDelay(policy, 60), milliseconds(600000));
  DispatcherSettings settings;
  settings.retry.max_attempts = 3;
  AlertDispatcher dispatcher(path_, deliverer_, clock_, settings);
  deliverer_.failures = 100;
  addEvent("finding_opened", R"([{"type":"syslog"}])");
  for (int pass = 0; pass < 40; ++pass) clock_.advance(dispatcher.passOnce(*outbox_).wait);
  EXPECT_EQ(deliverer_.attempts.size(), 3u);
  EXPECT_EQ(stateOf("e1-d0"), "failed/3/receiver down");
}

TEST_F(DispatcherTest, PermanentFailuresAndBadSpecsAreNotRetried) {
  AlertDispatcher dispatcher(path_, deliverer_, clock_);
  deliverer_.failures = 1;
  deliverer_.permanent = true;
  addEvent("finding_opened", R"([{"type":"syslog"},{"type":"pager"}])");
  for (int pass = 0; pass < 10; ++pass) clock_.advance(dispatcher.passOnce(*outbox_).wait);
  EXPECT_EQ(deliverer_.attempts.size(), 1u);
  EXPECT_EQ(stateOf("e1-d0"), "failed/1/receiver down");
  EXPECT_TRUE(stateOf("e1-d1").starts_with("failed/1/invalid destination: unknown alert type"));
  EXPECT_EQ(outbox_->nextAttemptMs(), std::nullopt);
}

TEST_F(DispatcherTest, ARestartResumesWithoutLossOrRepeat) {
  DispatcherSettings settings;
  {
    AlertDispatcher before(path_, deliverer_, clock_, settings);
    addEvent("finding_opened", kTwoDestinations);
    deliverer_.failures = 0;
    before.passOnce(*outbox_);  // e1: both delivered
    deliverer_.failures = 2;
    addEvent("finding_resolved", kTwoDestinations);
    before.passOnce(*outbox_);  // e2: both fail, pending
  }
  ASSERT_EQ(deliverer_.attempts.size(), 4u);
  // A new server: its own connection and outbox on the same file.
  outbox_.reset();
  db_ = std::make_unique<store::Database>(path_);
  outbox_ = std::make_unique<AlertOutbox>(*db_);
  AlertDispatcher after(path_, deliverer_, clock_, settings);
  clock_.advance(std::chrono::seconds(1));
  after.passOnce(*outbox_);
  ASSERT_EQ(deliverer_.attempts.size(), 6u);
  EXPECT_EQ(deliverer_.attempts[4].delivery_id, "e2-d0");
  EXPECT_EQ(deliverer_.attempts[5].delivery_id, "e2-d1");
  EXPECT_EQ(stateOf("e2-d0"), "delivered/1");
  const auto counts = outbox_->counts();
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].type, "syslog");
  EXPECT_EQ(counts[0].state, "delivered");
  EXPECT_EQ(counts[0].rows, 2);
  EXPECT_EQ(counts[0].attempts, 1);
}

TEST_F(DispatcherTest, DestinationsComeFromTheMonitorsRow) {
  // The monitors' schema keeps destinations (secrets) in monitors.alerts_json; the events'
  // monitor_json has none.
  db_->exec("CREATE TABLE monitors(id INTEGER PRIMARY KEY, alerts_json TEXT NOT NULL)");
  db_->exec(R"(INSERT INTO monitors VALUES (3, '[{"type":"syslog"},{"type":"syslog"}]'))");
  AlertDispatcher dispatcher(path_, deliverer_, clock_);
  addEvent("finding_opened", "null");
  dispatcher.passOnce(*outbox_);
  ASSERT_EQ(deliverer_.attempts.size(), 2u);
  EXPECT_EQ(deliverer_.attempts[1].delivery_id, "e1-d1");
}

TEST_F(DispatcherTest, NoEventsTableYetIsNotAnError) {
  const std::string other = (dir_ / "empty.db").string();
  store::Database db(other);
  AlertOutbox outbox(db);
  AlertDispatcher dispatcher(other, deliverer_, clock_);
  EXPECT_EQ(dispatcher.passOnce(outbox).delivered, 0u);
  EXPECT_EQ(outbox.enqueueNewEvents(0), 0u);
}

TEST_F(DispatcherTest, TheThreadDeliversOnWake) {
  AlertDispatcher dispatcher(path_, deliverer_, clock_);
  dispatcher.start();
  addEvent("finding_opened", R"([{"type":"syslog"}])");
  dispatcher.wake();
  EXPECT_TRUE(deliverer_.waitForAttempts(1));
  dispatcher.stop();
  EXPECT_EQ(deliverer_.attempts.size(), 1u);
}

// Alertmanager resolves an alert it has not heard of for resolve_timeout: firing alerts of open
// findings are sent again every alertmanager_refresh, and stop once the finding is resolved.
TEST_F(DispatcherTest, FiringAlertsAreSentAgainToAlertmanagerWhileOpen) {
  db_->exec("CREATE TABLE findings(id INTEGER PRIMARY KEY, resolved_ms INTEGER NOT NULL)");
  db_->exec("INSERT INTO findings VALUES (41, 0)");
  AlertDispatcher dispatcher(path_, deliverer_, clock_);
  addEvent("finding_opened",
           R"([{"type":"alertmanager","url":"http://127.0.0.1:1"},{"type":"syslog"}])");
  dispatcher.passOnce(*outbox_);
  ASSERT_EQ(deliverer_.attempts.size(), 2u);
  clock_.advance(std::chrono::seconds(59));
  dispatcher.passOnce(*outbox_);
  EXPECT_EQ(deliverer_.attempts.size(), 2u) << "not before a minute";
  clock_.advance(std::chrono::seconds(1));
  dispatcher.passOnce(*outbox_);
  ASSERT_EQ(deliverer_.attempts.size(), 3u);
  EXPECT_EQ(deliverer_.attempts[2].type, DestinationType::kAlertmanager) << "syslog is not";
  EXPECT_EQ(deliverer_.attempts[2].event, "finding_opened");
  EXPECT_EQ(deliverer_.attempts[2].delivery_id, "e1-d0");
  db_->exec("UPDATE findings SET resolved_ms = 1 WHERE id = 41");
  clock_.advance(std::chrono::seconds(60));
  dispatcher.passOnce(*outbox_);
  EXPECT_EQ(deliverer_.attempts.size(), 3u) << "a resolved finding is not sent as firing";
}

}  // namespace
}  // namespace portlens::alerts
