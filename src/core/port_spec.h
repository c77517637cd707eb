// Parses nmap-style port specifications. Pure: service-name lookup is injected.
//   22,80,443   1-1024   -1024 (1-1024)   60000- (60000-65535)   - (1-65535)
//   0 is scanned only when named explicitly ("0", "0-10").
//   http,ssh    service names (every TCP port registered under the name)
//   T:22,80     the TCP prefix is accepted; U:, S: (UDP, SCTP) are refused.
// Errors throw UsageError naming the offending token.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/port_set.h"

namespace portlens::core {

// Returns the TCP ports registered under `name` (case-insensitive), empty when unknown.
using ServiceLookup = std::function<std::vector<std::uint16_t>(std::string_view name)>;

PortSet parsePortSpec(std::string_view spec, const ServiceLookup& lookup);

}  // namespace portlens::core
