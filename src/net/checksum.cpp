#include "net/checksum.h"

#include <netinet/in.h>

namespace portlens::net {
namespace {

std::uint32_t addAddress(std::uint32_t sum, const core::IpAddress& address) {
  if (address.isV4()) {
    const std::uint32_t v = address.v4();
    return sum + (v >> 16) + (v & 0xffff);
  }
  const auto bytes = address.v6Bytes();
  return checksumAdd(sum, bytes.data(), bytes.size());
}

}  // namespace

std::uint32_t checksumAdd(std::uint32_t sum, const std::uint8_t* data, std::size_t length) {
  std::size_t i = 0;
  for (; i + 1 < length; i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (i < length) sum += static_cast<std::uint32_t>(data[i] << 8);
  // Fold early so very long inputs never overflow 32 bits.
  return (sum & 0xffff) + (sum >> 16);
}

std::uint16_t checksumFinish(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::uint32_t pseudoHeaderSum(const core::IpAddress& source, const core::IpAddress& target,
                              std::uint32_t tcp_length) {
  std::uint32_t sum = addAddress(0, source);
  sum = addAddress(sum, target);
  sum += IPPROTO_TCP;
  sum += (tcp_length >> 16) + (tcp_length & 0xffff);
  return sum;
}

}  // namespace portlens::net
