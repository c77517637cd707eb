#include "sockets/sources/procfs_parser.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "fixtures.h"
#include "sockets/sources/netlink_diag_parser.h"

namespace portlens::sockets {
namespace {

std::vector<SocketRecord> parseFixtures(StateMask states) {
  std::vector<SocketRecord> records;
  parseProcNetTcp(testing::readFixture("proc_net_tcp.txt"), core::Family::kIpv4, states, records);
  parseProcNetTcp(testing::readFixture("proc_net_tcp6.txt"), core::Family::kIpv6, states, records);
  return records;
}

TEST(ProcfsParser, CapturedFilesMatchSsOfTheSameNamespace) {
  const auto records = parseFixtures(kAllStates);
  EXPECT_EQ(records.size(), 19u);
  EXPECT_EQ(testing::tupleSet(records), testing::ssTupleSet());
}

TEST(ProcfsParser, AgreesWithNetlinkOnInodesAndUids) {
  std::vector<SocketRecord> netlink;
  for (const auto& chunk : testing::netlinkChunks()) parseDumpChunk(chunk, netlink);
  const auto key = [](const SocketRecord& r) {
    return testing::tupleText(r) + " " + std::to_string(r.inode) + " " + std::to_string(r.uid);
  };
  std::set<std::string> a, b;
  for (const auto& r : parseFixtures(kAllStates)) a.insert(key(r));
  for (const auto& r : netlink) b.insert(key(r));
  EXPECT_EQ(a, b);
}

TEST(ProcfsParser, DecodesLittleEndianAddressWords) {
  const auto records = parseFixtures(stateBit(TcpState::kListen));
  std::set<std::string> listeners;
  for (const auto& r : records) listeners.insert(endpointText(r.local, r.local_port));
  EXPECT_EQ(listeners, (std::set<std::string>{"127.0.0.1:8080", "0.0.0.0:9000", "127.0.0.1:9100",
                                              "[::1]:8443", "[::]:9001"}));
}

TEST(ProcfsParser, KeepsOnlyRequestedStates) {
  const auto records = parseFixtures(stateBit(TcpState::kTimeWait));
  ASSERT_EQ(records.size(), 2u);
  for (const auto& r : records) {
    EXPECT_EQ(r.state, TcpState::kTimeWait);
    EXPECT_EQ(r.peer_port, 9000);
  }
}

TEST(ProcfsParser, RejectsMalformedLinesWithTheirNumber) {
  const std::string header = "  sl  local_address rem_address   st\n";
  for (const char* bad : {
           "   0: 0100007F:1F90 00000000:0000 0A\n",                  // short
           "   0: 0100007G:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1\n",  // bad hex
           "   0: 0100007F:1F90 00000000:0000 0D 0:0 0:0 0 0 0 1\n",  // state 13
           "   0 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1\n",   // slot without ':'
           "   0: 0100007F1F90 00000000:0000 0A 0:0 0:0 0 0 0 1\n",   // no port colon
       }) {
    std::vector<SocketRecord> out;
    try {
      parseProcNetTcp(header + bad, core::Family::kIpv4, kAllStates, out);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const core::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
  }
  std::vector<SocketRecord> out;
  parseProcNetTcp(
      header + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:0 0 33 0 77\n",
      core::Family::kIpv4, kAllStates, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].recv_q, 3u);
  EXPECT_EQ(out[0].uid, 33u);
  EXPECT_EQ(out[0].inode, 77u);
}

}  // namespace
}  // namespace portlens::sockets
