// Conversions between core::IpAddress and the kernel's sockaddr structures.
#pragma once

#include <sys/socket.h>

#include <cstdint>

#include "core/ip_address.h"

namespace portlens::net {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
};

SocketAddress toSocketAddress(const core::IpAddress& address, std::uint16_t port);

}  // namespace portlens::net
