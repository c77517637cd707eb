#include "core/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace portlens::core {

IpAddress IpAddress::fromV4(std::uint32_t host_order) { return {Family::kIpv4, host_order}; }

IpAddress IpAddress::fromV6(Uint128 host_order) { return {Family::kIpv6, host_order}; }

IpAddress IpAddress::fromV6Bytes(const std::array<std::uint8_t, 16>& network_order) {
  Uint128 value = 0;
  for (std::uint8_t byte : network_order) value = (value << 8) | byte;
  return fromV6(value);
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; longer inputs cannot be addresses anyway.
  char buffer[INET6_ADDRSTRLEN + 1];
  // An embedded NUL would end the C string early and accept "1.2.3.4\0junk".
  if (text.empty() || text.size() >= sizeof(buffer) || text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';

  in_addr v4{};
  if (inet_pton(AF_INET, buffer, &v4) == 1) return fromV4(ntohl(v4.s_addr));
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, buffer, v6.data()) == 1) return fromV6Bytes(v6);
  return std::nullopt;
}

std::array<std::uint8_t, 16> IpAddress::v6Bytes() const {
  std::array<std::uint8_t, 16> bytes{};
  Uint128 value = value_;
  for (int i = 15; i >= 0; --i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

std::string IpAddress::toString() const {
  char buffer[INET6_ADDRSTRLEN];
  if (isV4()) {
    in_addr v4{htonl(this->v4())};
    inet_ntop(AF_INET, &v4, buffer, sizeof(buffer));
  } else {
    auto bytes = v6Bytes();
    inet_ntop(AF_INET6, bytes.data(), buffer, sizeof(buffer));
  }
  return buffer;
}

}  // namespace portlens::core
