// Building the probe of a SYN scan: one Ethernet frame holding an IPv4 or IPv6 header and a
// TCP SYN with an MSS option, checksums filled in. Pure; the sender copies the bytes out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/ip_address.h"

namespace portlens::net {

using MacAddress = std::array<std::uint8_t, 6>;

inline constexpr std::size_t kEthernetHeaderSize = 14;
inline constexpr std::size_t kSynTcpHeaderSize = 24;  // 20 + MSS option
inline constexpr std::size_t kMaxSynFrameSize = kEthernetHeaderSize + 40 + kSynTcpHeaderSize;

// What stays the same for every probe of one address family.
struct FrameOrigin {
  MacAddress source_mac{};
  MacAddress next_hop_mac{};  // the router's (or on-link target's) MAC; zeros on loopback
  core::IpAddress source;     // decides the family of every frame built with it
  std::uint8_t ttl = 64;
};

struct SynProbe {
  core::IpAddress target;  // same family as FrameOrigin::source
  std::uint16_t source_port = 0;
  std::uint16_t target_port = 0;
  std::uint32_t sequence = 0;  // the cookie
  std::uint16_t ip_id = 0;     // IPv4 only
};

// Writes the frame into `out` and returns its length (58 bytes for IPv4, 78 for IPv6).
std::size_t buildSynFrame(const FrameOrigin& origin, const SynProbe& probe,
                          std::span<std::uint8_t, kMaxSynFrameSize> out);

}  // namespace portlens::net
