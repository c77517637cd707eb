#include "sockets/sources/netlink_diag_parser.h"

#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <cstring>
#include <random>

#include "fixtures.h"

namespace portlens::sockets {
namespace {

std::vector<SocketRecord> parseFixture(int* done_count) {
  std::vector<SocketRecord> records;
  for (const auto& chunk : testing::netlinkChunks()) {
    const ChunkResult result = parseDumpChunk(chunk, records);
    EXPECT_NE(result.status, ChunkResult::Status::kMalformed);
    EXPECT_NE(result.status, ChunkResult::Status::kError);
    if (result.status == ChunkResult::Status::kDone) ++*done_count;
  }
  return records;
}

TEST(NetlinkDiagParser, CapturedDumpMatchesSsOfTheSameNamespace) {
  int done = 0;
  const auto records = parseFixture(&done);
  EXPECT_EQ(done, 2);  // one dump per family
  EXPECT_EQ(records.size(), 19u);
  EXPECT_EQ(testing::tupleSet(records), testing::ssTupleSet());
}

TEST(NetlinkDiagParser, DecodesFieldsOfKnownSockets) {
  int done = 0;
  const auto records = parseFixture(&done);
  const auto listener = std::find_if(records.begin(), records.end(), [](const SocketRecord& r) {
    return r.state == TcpState::kListen && r.local_port == 8443;
  });
  ASSERT_NE(listener, records.end());
  EXPECT_EQ(listener->local.toString(), "::1");
  EXPECT_EQ(listener->send_q, 128u);  // netlink reports the backlog of a listener
  EXPECT_NE(listener->inode, 0u);
  EXPECT_EQ(listener->uid, 0u);
  const auto time_wait = std::count_if(records.begin(), records.end(), [](const SocketRecord& r) {
    return r.state == TcpState::kTimeWait && r.peer_port == 9000 && r.inode == 0;
  });
  EXPECT_EQ(time_wait, 2);
}

TEST(NetlinkDiagParser, BuildsADumpRequest) {
  const auto bytes = buildDumpRequest(core::Family::kIpv6, stateBit(TcpState::kListen), 7);
  ASSERT_EQ(bytes.size(), sizeof(nlmsghdr) + sizeof(inet_diag_req_v2));
  nlmsghdr header;
  std::memcpy(&header, bytes.data(), sizeof(header));
  EXPECT_EQ(header.nlmsg_len, bytes.size());
  EXPECT_EQ(header.nlmsg_type, SOCK_DIAG_BY_FAMILY);
  EXPECT_EQ(header.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
  EXPECT_EQ(header.nlmsg_seq, 7u);
  inet_diag_req_v2 request;
  std::memcpy(&request, bytes.data() + sizeof(header), sizeof(request));
  EXPECT_EQ(request.sdiag_family, AF_INET6);
  EXPECT_EQ(request.sdiag_protocol, IPPROTO_TCP);
  EXPECT_EQ(request.idiag_states, 1u << 10);
}

TEST(NetlinkDiagParser, PortConditionsBecomeBytecode) {
  const std::vector<PortCondition> conditions{
      {PortCondition::Side::kLocal, PortCondition::Test::kGe, 1024},
      {PortCondition::Side::kPeer, PortCondition::Test::kEq, 443}};
  const auto code = buildPortBytecode(conditions);
  ASSERT_EQ(code.size(), 16u);
  inet_diag_bc_op ops[4];
  std::memcpy(ops, code.data(), sizeof(ops));
  EXPECT_EQ(ops[0].code, INET_DIAG_BC_S_GE);
  EXPECT_EQ(ops[0].yes, 8);
  EXPECT_EQ(ops[0].no, 20);  // past the end (16 + 4): reject
  EXPECT_EQ(ops[1].no, 1024);
  EXPECT_EQ(ops[2].code, INET_DIAG_BC_D_EQ);
  EXPECT_EQ(ops[2].yes, 8);  // to the end: accept
  EXPECT_EQ(ops[2].no, 12);
  EXPECT_EQ(ops[3].no, 443);
  EXPECT_TRUE(buildPortBytecode({}).empty());

  const auto request = buildDumpRequest(core::Family::kIpv4, kAllStates, 1, conditions);
  ASSERT_EQ(request.size(), sizeof(nlmsghdr) + sizeof(inet_diag_req_v2) + NLA_HDRLEN + 16);
  nlmsghdr header;
  std::memcpy(&header, request.data(), sizeof(header));
  EXPECT_EQ(header.nlmsg_len, request.size());
  nlattr attribute;
  std::memcpy(&attribute, request.data() + sizeof(nlmsghdr) + sizeof(inet_diag_req_v2),
              sizeof(attribute));
  EXPECT_EQ(attribute.nla_type, INET_DIAG_REQ_BYTECODE);
  EXPECT_EQ(attribute.nla_len, NLA_HDRLEN + 16);
}

TEST(NetlinkDiagParser, ReportsKernelErrors) {
  std::vector<std::uint8_t> bytes(NLMSG_LENGTH(sizeof(nlmsgerr)));
  nlmsghdr header{};
  header.nlmsg_len = static_cast<std::uint32_t>(bytes.size());
  header.nlmsg_type = NLMSG_ERROR;
  nlmsgerr error{};
  error.error = -EPERM;
  std::memcpy(bytes.data(), &header, sizeof(header));
  std::memcpy(bytes.data() + NLMSG_HDRLEN, &error, sizeof(error));
  std::vector<SocketRecord> records;
  const auto result = parseDumpChunk(bytes, records);
  EXPECT_EQ(result.status, ChunkResult::Status::kError);
  EXPECT_EQ(result.error, EPERM);
}

TEST(NetlinkDiagParser, TruncatedAndCorruptInputIsMalformedNotACrash) {
  const auto chunks = testing::netlinkChunks();
  ASSERT_FALSE(chunks.empty());
  const auto& chunk = chunks.front();
  std::vector<SocketRecord> records;
  // Cut inside the first message.
  EXPECT_EQ(parseDumpChunk(std::span(chunk.data(), 40), records).status,
            ChunkResult::Status::kMalformed);
  // A length smaller than the header.
  auto corrupt = chunk;
  corrupt[0] = 4, corrupt[1] = corrupt[2] = corrupt[3] = 0;
  EXPECT_EQ(parseDumpChunk(corrupt, records).status, ChunkResult::Status::kMalformed);
  // Random flips anywhere: any status, no crash, never more records than messages.
  std::mt19937 random(42);
  for (int round = 0; round < 2000; ++round) {
    auto mutated = chunk;
    for (int flips = 0; flips < 4; ++flips) {
      mutated[random() % mutated.size()] = static_cast<std::uint8_t>(random());
    }
    mutated.resize(random() % (mutated.size() + 1));
    std::vector<SocketRecord> out;
    parseDumpChunk(mutated, out);
    EXPECT_LE(out.size(), chunk.size() / NLMSG_LENGTH(sizeof(inet_diag_msg)));
  }
}

}  // namespace
}  // namespace portlens::sockets
