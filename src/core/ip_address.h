// An IPv4 or IPv6 address as a value type. Parsing is strict (inet_pton grammar): "1.2.3",
// "0x7f.1" or "300.1.1.1" are not addresses. Ordering puts every IPv4 address before IPv6.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/uint128.h"

namespace portlens::core {

enum class Family : std::uint8_t { kIpv4, kIpv6 };

class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0

  static IpAddress fromV4(std::uint32_t host_order);
  static IpAddress fromV6(Uint128 host_order);
  static IpAddress fromV6Bytes(const std::array<std::uint8_t, 16>& network_order);

  // Returns nullopt for anything that is not exactly one address (no CIDR, no brackets).
  static std::optional<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool isV4() const { return family_ == Family::kIpv4; }
  bool isV6() const { return family_ == Family::kIpv6; }
  std::uint32_t v4() const { return static_cast<std::uint32_t>(value_); }
  Uint128 v6() const { return value_; }
  std::array<std::uint8_t, 16> v6Bytes() const;

  // Canonical text: dotted quad, or RFC 5952 IPv6.
  std::string toString() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) {
    if (auto c = a.family_ <=> b.family_; c != 0) return c;
    return a.value_ < b.value_   ? std::strong_ordering::less
           : a.value_ > b.value_ ? std::strong_ordering::greater
                                 : std::strong_ordering::equal;
  }

 private:
  IpAddress(Family family, Uint128 value) : family_(family), value_(value) {}

  Family family_ = Family::kIpv4;
  Uint128 value_ = 0;  // host order; IPv4 uses the low 32 bits
};

}  // namespace portlens::core
