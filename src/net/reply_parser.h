// Reading what comes back to a SYN scan: a TCP segment (SYN-ACK or RST) or an ICMP/ICMPv6
// error that quotes one of our probes, from an Ethernet frame. Pure and defensive: every
// length is checked, anything else (fragments, IPv6 extension headers, other protocols)
// yields nullopt. This is what the scanner runs on untrusted bytes, so it has a fuzz target.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/ip_address.h"

namespace portlens::net {

enum class ReplyKind : std::uint8_t { kTcp, kIcmpError };

inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpAck = 0x10;

// Seen from the scanner: `remote` is the probed host, `local` our address, for both kinds.
struct Reply {
  ReplyKind kind = ReplyKind::kTcp;
  core::IpAddress remote;
  core::IpAddress local;
  std::uint16_t remote_port = 0;
  std::uint16_t local_port = 0;
  // kTcp: the segment's acknowledgement number; kIcmpError: the quoted probe's sequence.
  std::uint32_t number = 0;
  std::uint8_t tcp_flags = 0;  // kTcp only
  std::uint8_t ttl = 0;        // of the reply's own IP header
  bool icmp_v6 = false;        // kIcmpError: ICMPv6 rather than ICMPv4
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  core::IpAddress icmp_sender;  // kIcmpError: the router or host that sent the error
};

// `frame` starts at the Ethernet header.
std::optional<Reply> parseReply(std::span<const std::uint8_t> frame);

}  // namespace portlens::net
