#include "sockets/watch_frame.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace portlens::sockets {
namespace {

using testing::record;

const registry::PortRegistry& ports() {
  static const registry::PortRegistry registry = registry::PortRegistry::builtin();
  return registry;
}

std::vector<DiffRow> rows() {
  return {
      {record(TcpState::kListen, "0.0.0.0", 22, "0.0.0.0", 0), RowChange::kSame},
      {record(TcpState::kEstablished, "127.0.0.1", 40000, "127.0.0.1", 22), RowChange::kNew},
      {record(TcpState::kTimeWait, "127.0.0.1", 40001, "127.0.0.1", 22), RowChange::kChanged},
      {record(TcpState::kEstablished, "127.0.0.1", 40002, "127.0.0.1", 22), RowChange::kGone},
  };
}

TEST(WatchFrame, SummaryCountsLiveRowsPerState) {
  EXPECT_EQ(summaryLine(rows()),
            "3 sockets: 1 established, 1 time-wait, 1 listening  |  +1 new, -1 closed, ~1 changed");
}

TEST(WatchFrame, ColoursRowsByChange) {
  WatchFrameInfo info;
  info.sort = "local";
  info.clock = "12:00:00";
  const std::string frame = renderWatchFrame(rows(), info, ports());
  EXPECT_EQ(frame.rfind("\x1b[H", 0), 0u);
  EXPECT_NE(frame.find("\x1b[32mESTAB      "), std::string::npos);  // new: green
  EXPECT_NE(frame.find("\x1b[33mTIME-WAIT"), std::string::npos);    // changed: yellow
  EXPECT_NE(frame.find("\x1b[31mESTAB"), std::string::npos);        // gone: red
  EXPECT_NE(frame.find("sort local"), std::string::npos);
  EXPECT_NE(frame.find("q quit"), std::string::npos);
  EXPECT_EQ(frame.substr(frame.size() - 3), "\x1b[J");
}

TEST(WatchFrame, FitsTheTerminal) {
  WatchFrameInfo info;
  info.width = 30;
  info.height = 6;  // two rows of sockets fit
  info.paused = true;
  info.color = false;
  const std::string frame = renderWatchFrame(rows(), info, ports());
  EXPECT_EQ(frame.find("\x1b[3"), std::string::npos);
  EXPECT_EQ(std::count(frame.begin(), frame.end(), '\n'), 5);
  std::size_t start = 0;
  for (std::size_t end; (end = frame.find("\x1b[K", start)) != std::string::npos; start = end + 5) {
    std::string line = frame.substr(start, end - start);
    if (line.rfind("\x1b[H", 0) == 0) line = line.substr(3);
    EXPECT_LE(line.size(), 30u) << line;
  }
  EXPECT_NE(frame.find("q quit"), std::string::npos);  // the bottom line, cut to fit
}

}  // namespace
}  // namespace portlens::sockets
