#include "net/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace portlens::net {

SocketAddress toSocketAddress(const core::IpAddress& address, std::uint16_t port) {
  SocketAddress out;
  if (address.isV4()) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(address.v4());
    std::memcpy(&out.storage, &sin, sizeof(sin));
    out.length = sizeof(sin);
  } else {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    auto bytes = address.v6Bytes();
    std::memcpy(&sin6.sin6_addr, bytes.data(), bytes.size());
    std::memcpy(&out.storage, &sin6, sizeof(sin6));
    out.length = sizeof(sin6);
  }
  return out;
}

}  // namespace portlens::net
