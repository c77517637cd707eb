// The Internet checksum (RFC 1071) and the TCP pseudo-header sums of IPv4 and IPv6. Pure.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/ip_address.h"

namespace portlens::net {

// Adds `length` bytes (big-endian 16-bit words, odd tail padded) to a running 32-bit sum.
std::uint32_t checksumAdd(std::uint32_t sum, const std::uint8_t* data, std::size_t length);
// Folds the carries and complements: the value to store in a header.
std::uint16_t checksumFinish(std::uint32_t sum);
// The pseudo-header sum for TCP over `source` -> `target` with `tcp_length` bytes.
std::uint32_t pseudoHeaderSum(const core::IpAddress& source, const core::IpAddress& target,
                              std::uint32_t tcp_length);

}  // namespace portlens::net
