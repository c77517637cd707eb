#include "sockets/sources/netlink_diag_parser.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

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

std::vector<std::uint8_t> buildDumpRequest(core::Family family, StateMask states,
                                           std::uint32_t sequence) {
  struct Request {
    nlmsghdr header;
    inet_diag_req_v2 body;
  };
  Request request{};
  request.header.nlmsg_len = sizeof(Request);
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = sequence;
  request.body.sdiag_family = family == core::Family::kIpv4 ? AF_INET : AF_INET6;
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = states;
  std::vector<std::uint8_t> bytes(sizeof(Request));
  std::memcpy(bytes.data(), &request, sizeof(Request));
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
      return {ChunkResult::Status::kError, error.error < 0 ? -error.error : error.error};
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
