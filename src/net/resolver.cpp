#include "net/resolver.h"

#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace portlens::net {

std::vector<core::IpAddress> resolveHostname(const std::string& hostname) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(hostname.c_str(), nullptr, &hints, &result) != 0) return {};

  std::vector<core::IpAddress> addresses;
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    core::IpAddress address;
    if (ai->ai_family == AF_INET) {
      sockaddr_in sin;
      std::memcpy(&sin, ai->ai_addr, sizeof(sin));
      address = core::IpAddress::fromV4(ntohl(sin.sin_addr.s_addr));
    } else if (ai->ai_family == AF_INET6) {
      sockaddr_in6 sin6;
      std::memcpy(&sin6, ai->ai_addr, sizeof(sin6));
      std::array<std::uint8_t, 16> bytes;
      std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
      address = core::IpAddress::fromV6Bytes(bytes);
    } else {
      continue;
    }
    if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
      addresses.push_back(address);
    }
  }
  freeaddrinfo(result);
  return addresses;
}

}  // namespace portlens::net
