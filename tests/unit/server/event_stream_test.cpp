#include "server/event_stream.h"

#include <gtest/gtest.h>

#include <regex>

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
  EventHub hub_{registry_};
  TempStore store_;
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

  // New rows become visible after the hub's refresh interval; nothing is sent twice.
  store_->appendResults(id, {portRecord("198.19.0.7", 80, S::kOpen)}, 3, 0, -1);
  store_->finishScan(id, store::ScanStatus::kDone, "", 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
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

TEST_F(EventStreamTest, UnknownScanEndsAtOnce) {
  std::string out;
  EventCursor cursor(12345, {S::kOpen}, 0);
  EXPECT_FALSE(cursor.poll(*store_, hub_, out));
  EXPECT_TRUE(cursor.finished());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace portlens::server
