#include "net/netlink_socket.h"

// The kernel's netlink and packet-ring macros (NLMSG_*, RTA_*, TPACKET_ALIGN) are C and use
// C casts; only this file sees them.
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-align"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace portlens::net {

NetlinkSocket::NetlinkSocket() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {
  if (!fd_.valid()) throw std::system_error(errno, std::generic_category(), "netlink socket");
  timeval timeout{2, 0};  // the kernel answers at once; this only guards against a hang
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

int NetlinkSocket::request(std::span<const std::uint8_t> message,
                           const std::function<void(const nlmsghdr&)>& visit) {
  std::vector<std::uint8_t> copy(message.begin(), message.end());
  auto* header = reinterpret_cast<nlmsghdr*>(copy.data());
  header->nlmsg_len = static_cast<std::uint32_t>(copy.size());
  header->nlmsg_seq = sequence_++;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), copy.data(), copy.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return -errno;
  }
  const bool dump = (header->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
  const bool want_ack = (header->nlmsg_flags & NLM_F_ACK) != 0;
  std::vector<std::uint8_t> buffer(std::size_t{64} * 1024);
  for (;;) {
    const ssize_t got = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (got < 0) return errno == EINTR ? -EINTR : -errno;
    std::size_t left = static_cast<std::size_t>(got);
    for (auto* msg = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(msg, left);
         msg = NLMSG_NEXT(msg, left)) {
      if (msg->nlmsg_seq != header->nlmsg_seq) continue;  // a late answer to an older request
      if (msg->nlmsg_type == NLMSG_DONE) return 0;
      if (msg->nlmsg_type == NLMSG_ERROR) {
        const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(msg));
        return error->error;  // 0 is the acknowledgement of a successful request
      }
      visit(*msg);
      if (!dump && !want_ack) return 0;
    }
  }
}

void appendAttribute(std::vector<std::uint8_t>& message, std::uint16_t type, const void* data,
                     std::size_t length) {
  const std::size_t offset = NLMSG_ALIGN(message.size());
  message.resize(offset + RTA_SPACE(length));
  auto* attribute = reinterpret_cast<rtattr*>(message.data() + offset);
  attribute->rta_type = type;
  attribute->rta_len = static_cast<std::uint16_t>(RTA_LENGTH(length));
  std::memcpy(RTA_DATA(attribute), data, length);
}

}  // namespace portlens::net
