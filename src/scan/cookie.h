// The SYN cookie of a stateless scan: the probe's sequence number is a keyed hash of its
// 4-tuple under a per-scan secret, so a reply is ours only if it acknowledges exactly that
// number (SYN-ACK and RST: ack = cookie + 1; ICMP errors quote the probe: seq = cookie).
// Nothing about a probe is stored. Pure; the secret comes from the caller.
#pragma once

#include <cstdint>

#include "core/ip_address.h"
#include "scan/siphash.h"

namespace portlens::scan {

// A fresh secret from the kernel's random source. Throws std::system_error if it fails.
SipKey randomSecret();

class CookieJar {
 public:
  explicit CookieJar(SipKey secret) : secret_(secret) {}
  std::uint32_t cookie(const core::IpAddress& source, const core::IpAddress& target,
                       std::uint16_t source_port, std::uint16_t target_port) const;

 private:
  SipKey secret_;
};

}  // namespace portlens::scan
