#include "server/event_stream.h"

#include <gtest/gtest.h>

#include <regex>

#include "server/scan_signals.h"
#include "temp_store.h"

namespace portlens::server {
namespace {

using S = scan::PortState;

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class EventStreamTest : public ::testing::Test {
 protected:
  registry::PortRegistry registry_ = registry::PortRegistry::builtin();
  TempStore store_;
  EventHub hub_{registry_, store_.clock()};
};

TEST_F(EventStreamTest, EveryRecordOnceThenEnd) {
  auto id = insertLabScan(*store_, "198.19.0.7", "1-100");
  store_->claimNextQueued();
  EventCursor all(id, {S::kOpen, S::kClosed, S::kFiltered}, 0);
  EventCursor open_only(id, {S::kOpen}, 0);
  std::string a, b;
  store_->appendResults(
      id, {portRecord("198.19.0.7", 22, S::kOpen), portRecord("198.19.0.7", 23, S::kClosed)}, 2, 0,
      -1);
  EXPECT_FALSE(all.poll(*store_, hub_, a));
  EXPECT_FALSE(open_only.poll(*store_, hub_, b));
  EXPECT_EQ(count(a, "event: port"), 2);
  EXPECT_EQ(count(b, "event: port"), 1);
  EXPECT_NE(a.find("\"port\":22,\"proto\":\"tcp\",\"state\":\"open\""), std::string::npos);
  EXPECT_EQ(count(a, "event: progress"), 1);

  // New rows become visible exactly when the hub's refresh interval has passed on its clock
  // (not a moment before); nothing is sent twice.
  store_->appendResults(id, {portRecord("198.19.0.7", 80, S::kOpen)}, 3, 0, -1);
  store_->finishScan(id, store::ScanStatus::kDone, "", 3);
  store_.clock().advance(EventHub::kRefreshEvery - std::chrono::nanoseconds(1));
  a.clear();
  EXPECT_FALSE(all.poll(*store_, hub_, a));
  EXPECT_EQ(a, "");  // the log is 1 ns too young to be read again: no rows, no end
  EXPECT_FALSE(all.finished());
  store_.clock().advance(std::chrono::nanoseconds(1));
  a.clear();
  b.clear();
  EXPECT_FALSE(all.poll(*store_, hub_, a));
  EXPECT_FALSE(open_only.poll(*store_, hub_, b));
  EXPECT_EQ(count(a, "event: port"), 1);
  EXPECT_EQ(count(b, "event: port"), 1);
  EXPECT_EQ(count(a, "event: end"), 1);
  EXPECT_TRUE(all.finished());
  EXPECT_TRUE(open_only.finished());
}

// A notified change (ScanSignals: PostgreSQL's NOTIFY from whichever process stored the rows)
// is read at once, without waiting for the refresh interval; without one the log waits.
TEST_F(EventStreamTest, ASignalledChangeIsReadWithoutWaitingForTheInterval) {
  auto id = insertLabScan(*store_, "198.19.0.7", "1-100");
  store_->claimNextQueued();
  ScanSignals signals;
  EventCursor cursor(id, {S::kOpen, S::kClosed, S::kFiltered}, 0);
  std::string out;
  EXPECT_FALSE(cursor.poll(*store_, hub_, out, signals.generation(id)));
  store_->appendResults(id, {portRecord("198.19.0.7", 22, S::kOpen)}, 1, 0, -1);
  out.clear();
  EXPECT_FALSE(cursor.poll(*store_, hub_, out, signals.generation(id)));
  EXPECT_EQ(count(out, "event: port"), 0) << "no signal, no time passed: not read yet";
  signals.notify(std::to_string(id));
  out.clear();
  EXPECT_FALSE(cursor.poll(*store_, hub_, out, signals.generation(id)));
  EXPECT_EQ(count(out, "event: port"), 1);
  out.clear();
  store_->appendResults(id, {portRecord("198.19.0.7", 23, S::kClosed)}, 2, 0, -1);
  signals.notify(id + 1);  // another scan (another slot): not a reason to read this one
  EXPECT_FALSE(cursor.poll(*store_, hub_, out, signals.generation(id)));
  EXPECT_EQ(count(out, "event: port"), 0);
  store_->finishScan(id, store::ScanStatus::kDone, "", 2);
  signals.notify(std::to_string(id));  // the scan's end notifies too (notifyScanChanged)
  EXPECT_FALSE(cursor.poll(*store_, hub_, out, signals.generation(id)));
  EXPECT_EQ(count(out, "event: port"), 1);
  EXPECT_EQ(count(out, "event: end"), 1);
  EXPECT_TRUE(cursor.finished());
}

TEST(ScanSignalsTest, AScanIdMovesItsSlotAndAnUnreadablePayloadMovesThemAll) {
  ScanSignals signals;
  const auto a0 = signals.generation(7);
  const auto b0 = signals.generation(8);
  signals.notify("7");
  EXPECT_EQ(signals.generation(7), a0 + 1);
  EXPECT_EQ(signals.generation(8), b0);
  EXPECT_EQ(signals.generation(7 + ScanSignals::kSlots), a0 + 1) << "a shared slot: one re-read";
  signals.notify("7; DROP TABLE scans");  // not a scan id: everyone looks once
  EXPECT_EQ(signals.generation(7), a0 + 2);
  EXPECT_EQ(signals.generation(8), b0 + 1);
  signals.notify("");
  EXPECT_EQ(signals.generation(8), b0 + 2);
  EXPECT_FALSE(signals.listening()) << "streams poll until a LISTEN is in place";
  signals.setListening(true);
  EXPECT_TRUE(signals.listening());
}

// Live records are the same JSON as the exports (output::portJson): a port that detection
// named streams with its service fields as soon as it is stored, its banner escaped.
TEST_F(EventStreamTest, DetectedServicesStreamWithTheirFields) {
  auto id = insertLabScan(*store_, "198.19.0.7", "1-100");
  store_->claimNextQueued();
  EventCursor cursor(id, {S::kOpen}, 0);
  auto record = detectedRecord("198.19.0.7", 80, "http", "nginx", "1.22.1");
  auto info = std::make_shared<scan::ServiceInfo>(*record.service);
  info->banner = "HTTP/1.1 200 OK\r\n<script>\x1b[2J";
  info->tls.emplace();
  info->tls->subject = "CN=lab.example";
  info->tls->sha256 = "ab12";
  record.service = info;
  store_->appendResults(id, {record}, 1, 0, -1);
  std::string out;
  EXPECT_FALSE(cursor.poll(*store_, hub_, out));
  EXPECT_NE(out.find("\"service\":\"http\",\"product\":\"nginx\",\"version\":\"1.22.1\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"subject\":\"CN=lab.example\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"sha256\":\"ab12\""), std::string::npos) << out;
  // The escape byte never reaches the stream raw; the banner is escapeBytes' text.
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_NE(out.find("\"banner\":\"HTTP/1.1 200 OK\\\\r\\\\n<script>\\\\x1b[2J\""),
            std::string::npos)
      << out;
}

TEST_F(EventStreamTest, ResumesAfterLastEventId) {
  auto id = insertLabScan(*store_, "198.19.0.7", "1-100");
  store_->appendResults(
      id,
      {portRecord("198.19.0.7", 1, S::kOpen), portRecord("198.19.0.7", 2, S::kOpen),
       portRecord("198.19.0.7", 3, S::kOpen)},
      3, 0, -1);
  store_->finishScan(id, store::ScanStatus::kDone, "", 3);
  std::string first;
  EventCursor cursor(id, {S::kOpen}, 0);
  cursor.poll(*store_, hub_, first);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first, m, std::regex("id: (\\d+)")));
  const std::int64_t first_seq = std::stoll(m[1]);
  std::string rest;
  EventCursor again(id, {S::kOpen}, first_seq);
  again.poll(*store_, hub_, rest);
  EXPECT_EQ(count(rest, "event: port"), 2);
  EXPECT_EQ(rest.find("\"port\":1,"), std::string::npos);
  EXPECT_TRUE(again.finished());
}

// A log nobody reads is dropped once it has been unused for longer than kForgetAfter (checked
// when another scan's log is refreshed), not a moment earlier.
TEST_F(EventStreamTest, IdleLogsAreForgottenAfterThirtySeconds) {
  const auto a = insertLabScan(*store_, "198.19.0.7", "1-10");
  const auto b = insertLabScan(*store_, "198.19.0.8", "1-10");
  std::weak_ptr<EventHub::Log> log_a = hub_.refreshed(a, *store_);
  store_.clock().advance(EventHub::kForgetAfter);
  hub_.refreshed(b, *store_);
  EXPECT_FALSE(log_a.expired());
  store_.clock().advance(std::chrono::nanoseconds(1));
  hub_.refreshed(b, *store_);
  EXPECT_TRUE(log_a.expired());
}

TEST_F(EventStreamTest, UnknownScanEndsAtOnce) {
  std::string out;
  EventCursor cursor(12345, {S::kOpen}, 0);
  EXPECT_FALSE(cursor.poll(*store_, hub_, out));
  EXPECT_TRUE(cursor.finished());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace portlens::server
