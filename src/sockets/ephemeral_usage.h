// Ephemeral (local) port usage: how much of the kernel's source-port range the connections of
// this namespace hold, in total and per destination. Every connection to one destination
// (address:port) needs its own local port, TIME_WAIT included (60 s), so a busy client runs
// out at about range-size ports per destination (28,232 with the default 32768-60999).
// Pure: the caller reads the sysctls and the socket table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip_address.h"
#include "registry/ephemeral_range.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

using PortRanges = std::vector<std::pair<std::uint16_t, std::uint16_t>>;

// /proc/sys/net/ipv4/ip_local_reserved_ports: "" or "8080,9000-9010\n". Throws
// core::UsageError when malformed.
PortRanges parseReservedPorts(std::string_view text);

struct DestinationUsage {
  core::IpAddress address;
  std::uint16_t port = 0;
  std::size_t in_use = 0;     // sockets towards it with a local port in the range
  std::size_t time_wait = 0;  // of which in TIME_WAIT
};

struct EphemeralUsage {
  registry::EphemeralRange range;
  PortRanges reserved;
  std::size_t available = 0;       // range size minus reserved ports inside it
  std::size_t sockets = 0;         // non-listening sockets with a local port in the range
  std::size_t time_wait = 0;       // of which in TIME_WAIT
  std::size_t distinct_ports = 0;  // distinct local ports in the range in use
  std::vector<DestinationUsage> destinations;  // busiest first
  std::vector<std::string> warnings;           // one line each, with the reason
};

// `warn_share`: the used share of `available` per destination (or of distinct ports in
// total) from which a warning is given.
EphemeralUsage computeEphemeralUsage(const std::vector<SocketRecord>& records,
                                     const registry::EphemeralRange& range,
                                     const PortRanges& reserved, double warn_share = 0.7);

std::string renderEphemeralText(const EphemeralUsage& usage, std::size_t top);
std::string renderEphemeralJson(const EphemeralUsage& usage, std::size_t top);

}  // namespace portlens::sockets
