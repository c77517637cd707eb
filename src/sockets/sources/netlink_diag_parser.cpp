#include "sockets/sources/netlink_diag_parser.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <limits>

namespace portlens::sockets {
namespace {

// memcpy instead of casts: recv buffers carry no alignment guarantee worth relying on, and
// -Wcast-align / -Wold-style-cast stay quiet.
template <typename T>
T load(const std::uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

core::IpAddress addressOf(std::uint8_t family, const std::uint32_t (&words)[4]) {
  if (family == AF_INET) return core::IpAddress::fromV4(ntohl(words[0]));
  std::array<std::uint8_t, 16> bytes{};
  std::memcpy(bytes.data(), words, bytes.size());
  return core::IpAddress::fromV6Bytes(bytes);
}

bool parseDiagMessage(const std::uint8_t* payload, std::size_t size, SocketRecord& record) {
  if (size < sizeof(inet_diag_msg)) return false;
  const auto msg = load<inet_diag_msg>(payload);
  if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6) return false;
  const auto state = stateFromNumber(msg.idiag_state);
  if (!state) return false;
  record.state = *state;
  record.local = addressOf(msg.idiag_family, msg.id.idiag_src);
  record.peer = addressOf(msg.idiag_family, msg.id.idiag_dst);
  record.local_port = ntohs(msg.id.idiag_sport);
  record.peer_port = ntohs(msg.id.idiag_dport);
  record.recv_q = msg.idiag_rqueue;
  record.send_q = msg.idiag_wqueue;
  record.uid = msg.idiag_uid;
  record.inode = msg.idiag_inode;
  return true;
}

}  // namespace

std::vector<std::uint8_t> buildPortBytecode(const std::vector<PortCondition>& conditions) {
  // Each condition is two ops (8 bytes): the test, then an op whose `no` carries the port. The
  // kernel accepts a socket when the program ends exactly at its length; a failed test jumps
  // 4 bytes past the end, which rejects it.
  constexpr std::size_t kOpBytes = 2 * sizeof(inet_diag_bc_op);
  const std::size_t total = conditions.size() * kOpBytes;
  std::vector<std::uint8_t> bytes(total);
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    const PortCondition& c = conditions[i];
    const bool local = c.side == PortCondition::Side::kLocal;
    inet_diag_bc_op ops[2]{};
    switch (c.test) {
      case PortCondition::Test::kGe:
        ops[0].code = local ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE;
        break;
      case PortCondition::Test::kLe:
        ops[0].code = local ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE;
        break;
      case PortCondition::Test::kEq:
        ops[0].code = local ? INET_DIAG_BC_S_EQ : INET_DIAG_BC_D_EQ;
        break;
    }
    ops[0].yes = static_cast<std::uint8_t>(kOpBytes);
    ops[0].no = static_cast<std::uint16_t>(total - i * kOpBytes + 4);
    ops[1].no = c.port;
    std::memcpy(bytes.data() + i * kOpBytes, ops, kOpBytes);
  }
  return bytes;
}

std::vector<std::uint8_t> buildDumpRequest(core::Family family, StateMask states,
                                           std::uint32_t sequence,
                                           const std::vector<PortCondition>& conditions) {
  struct Request {
    nlmsghdr header;
    inet_diag_req_v2 body;
  };
  Request request{};
  const std::vector<std::uint8_t> bytecode = buildPortBytecode(conditions);
  const std::size_t attribute = bytecode.empty() ? 0 : NLA_HDRLEN + bytecode.size();
  request.header.nlmsg_len = static_cast<std::uint32_t>(sizeof(Request) + attribute);
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = sequence;
  request.body.sdiag_family = family == core::Family::kIpv4 ? AF_INET : AF_INET6;
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = states;
  std::vector<std::uint8_t> bytes(sizeof(Request) + attribute);
  std::memcpy(bytes.data(), &request, sizeof(Request));
  if (!bytecode.empty()) {
    nlattr header{};
    header.nla_len = static_cast<std::uint16_t>(attribute);
    header.nla_type = INET_DIAG_REQ_BYTECODE;
    std::memcpy(bytes.data() + sizeof(Request), &header, sizeof(header));
    std::memcpy(bytes.data() + sizeof(Request) + NLA_HDRLEN, bytecode.data(), bytecode.size());
  }
  return bytes;
}

ChunkResult parseDumpChunk(std::span<const std::uint8_t> bytes, std::vector<SocketRecord>& out) {
  std::size_t offset = 0;
  while (offset + sizeof(nlmsghdr) <= bytes.size()) {
    const auto header = load<nlmsghdr>(bytes.data() + offset);
    if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > bytes.size() - offset) {
      return {ChunkResult::Status::kMalformed, 0};
    }
    const std::uint8_t* payload = bytes.data() + offset + NLMSG_HDRLEN;
    const std::size_t payload_size =
        header.nlmsg_len - std::min<std::size_t>(NLMSG_HDRLEN, header.nlmsg_len);
    if (header.nlmsg_type == NLMSG_DONE) return {ChunkResult::Status::kDone, 0};
    if (header.nlmsg_type == NLMSG_ERROR) {
      if (payload_size < sizeof(nlmsgerr)) return {ChunkResult::Status::kMalformed, 0};
      const auto error = load<nlmsgerr>(payload);
      // A dump ends in NLMSG_DONE; an "error" here is a negative errno. Anything else (an ACK
      // of 0, a positive or unnegatable value; found by fuzzing) is not a kernel reply.
      if (error.error >= 0 || error.error == std::numeric_limits<int>::min()) {
        return {ChunkResult::Status::kMalformed, 0};
      }
      return {ChunkResult::Status::kError, -error.error};
    }
    if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      SocketRecord record;
      if (!parseDiagMessage(payload, payload_size, record)) {
        return {ChunkResult::Status::kMalformed, 0};
      }
      out.push_back(std::move(record));
    }
    offset += NLMSG_ALIGN(header.nlmsg_len);
  }
  if (offset < bytes.size() && offset + sizeof(nlmsghdr) > bytes.size() &&
      bytes.size() - offset >= 4) {
    // Leftover bytes shorter than a header (but not mere alignment padding).
    return {ChunkResult::Status::kMalformed, 0};
  }
  return {ChunkResult::Status::kMore, 0};
}

}  // namespace portlens::sockets
