#include "scan/cookie.h"

#include <sys/random.h>

#include <array>
#include <system_error>

namespace portlens::scan {
namespace {

// 16 bytes per address (IPv4 in its IPv4-mapped form); the family byte keeps them apart.
void putAddress(std::uint8_t* out, const core::IpAddress& address) {
  const auto bytes = address.isV4() ? std::array<std::uint8_t, 16>{} : address.v6Bytes();
  for (int i = 0; i < 16; ++i) out[i] = bytes[static_cast<std::size_t>(i)];
  if (address.isV4()) {
    const std::uint32_t v4 = address.v4();
    out[10] = 0xff;
    out[11] = 0xff;
    out[12] = static_cast<std::uint8_t>(v4 >> 24);
    out[13] = static_cast<std::uint8_t>(v4 >> 16);
    out[14] = static_cast<std::uint8_t>(v4 >> 8);
    out[15] = static_cast<std::uint8_t>(v4);
  }
}

}  // namespace

SipKey randomSecret() {
  SipKey key{};
  if (getrandom(key.data(), sizeof key, 0) != static_cast<ssize_t>(sizeof key)) {
    throw std::system_error(errno, std::generic_category(), "getrandom");
  }
  return key;
}

std::uint32_t CookieJar::cookie(const core::IpAddress& source, const core::IpAddress& target,
                                std::uint16_t source_port, std::uint16_t target_port) const {
  std::array<std::uint8_t, 37> tuple{};
  putAddress(tuple.data(), source);
  putAddress(tuple.data() + 16, target);
  tuple[32] = static_cast<std::uint8_t>(source_port >> 8);
  tuple[33] = static_cast<std::uint8_t>(source_port);
  tuple[34] = static_cast<std::uint8_t>(target_port >> 8);
  tuple[35] = static_cast<std::uint8_t>(target_port);
  tuple[36] = source.isV4() ? 4 : 6;  // an IPv4 address and its mapped IPv6 form differ
  const std::uint64_t hash = sipHash24(secret_, tuple);
  return static_cast<std::uint32_t>(hash ^ (hash >> 32));
}

}  // namespace portlens::scan
