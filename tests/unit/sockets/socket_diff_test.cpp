#include "sockets/socket_diff.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace portlens::sockets {
namespace {

using testing::record;

TEST(SocketDiff, MarksNewChangedGoneAndSame) {
  const std::vector<SocketRecord> before{
      record(TcpState::kListen, "0.0.0.0", 80, "0.0.0.0", 0),
      record(TcpState::kEstablished, "127.0.0.1", 40000, "127.0.0.1", 80),
      record(TcpState::kEstablished, "127.0.0.1", 40001, "127.0.0.1", 80),
  };
  auto queued = before[0];
  queued.recv_q = 3;
  const std::vector<SocketRecord> after{
      queued,                                                               // queue grew
      record(TcpState::kTimeWait, "127.0.0.1", 40000, "127.0.0.1", 80),     // state changed
      record(TcpState::kEstablished, "127.0.0.1", 40002, "127.0.0.1", 80),  // new
  };
  const auto rows = diffSockets(before, after);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].change, RowChange::kChanged);
  EXPECT_EQ(rows[1].change, RowChange::kChanged);
  EXPECT_EQ(rows[2].change, RowChange::kNew);
  EXPECT_EQ(rows[3].change, RowChange::kGone);
  EXPECT_EQ(rows[3].record.local_port, 40001);

  const auto again = diffSockets(after, after);
  for (const auto& row : again) EXPECT_EQ(row.change, RowChange::kSame);
  for (const auto& row : diffSockets({}, after)) EXPECT_EQ(row.change, RowChange::kNew);
  EXPECT_EQ(diffSockets(before, {}).size(), 3u);
}

}  // namespace
}  // namespace portlens::sockets
