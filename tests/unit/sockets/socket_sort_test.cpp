#include "sockets/socket_sort.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_records.h"

namespace portlens::sockets {
namespace {

using testing::record;

std::vector<std::uint16_t> localPorts(const std::vector<SocketRecord>& records) {
  std::vector<std::uint16_t> ports;
  for (const auto& r : records) ports.push_back(r.local_port);
  return ports;
}

TEST(SocketSort, ParsesSpecs) {
  const auto spec = parseSortSpec("state,-recvq");
  ASSERT_EQ(spec.size(), 2u);
  EXPECT_EQ(spec[0].key, SortKey::kState);
  EXPECT_FALSE(spec[0].descending);
  EXPECT_EQ(spec[1].key, SortKey::kRecvQ);
  EXPECT_TRUE(spec[1].descending);
  EXPECT_EQ(toString(spec), "state,-recvq");
  for (const char* bad : {"", "bogus", "state,", "--state", "state,,local"}) {
    EXPECT_THROW(parseSortSpec(bad), core::UsageError) << bad;
  }
}

TEST(SocketSort, SortsByKeysStably) {
  std::vector<SocketRecord> records{
      record(TcpState::kListen, "::1", 22, "::", 0),
      record(TcpState::kEstablished, "127.0.0.1", 40000, "127.0.0.1", 22),
      record(TcpState::kListen, "127.0.0.1", 22, "0.0.0.0", 0),
      record(TcpState::kEstablished, "127.0.0.1", 22, "127.0.0.1", 40000),
  };
  records[1].recv_q = 5;
  sortSockets(records, parseSortSpec("local"));  // IPv4 before IPv6, then port
  EXPECT_EQ(localPorts(records), (std::vector<std::uint16_t>{22, 22, 40000, 22}));
  EXPECT_EQ(records[0].state, TcpState::kListen);  // stable: kernel order among equals
  sortSockets(records, parseSortSpec("-recvq"));
  EXPECT_EQ(records[0].local_port, 40000);
  sortSockets(records, parseSortSpec("state,-sport"));
  EXPECT_EQ(records[0].state, TcpState::kEstablished);
  EXPECT_EQ(records[0].local_port, 40000);
  EXPECT_EQ(records[3].state, TcpState::kListen);
}

}  // namespace
}  // namespace portlens::sockets
