// The project's own top-ports ranking (method: docs/port-ranking.md). Built without any nmap
// data: a hand-curated list of commonly exposed TCP services, then IANA-named well-known
// ports, then IANA-named registered ports, then every other port ascending, port 0 last.
// Pure; PortRegistry calls it when it is built and as the tie-break for other rankings.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "registry/port_registry.h"

namespace portlens::registry {

// The hand-curated head of the ranking, best first; no duplicates, no port 0.
std::span<const std::uint16_t> curatedTopPorts();

// All 65536 ports, best first. `primaries` are the ports IANA names (one entry per port,
// any order); only their port numbers are used.
std::vector<std::uint16_t> buildBuiltinRanking(const std::vector<ServiceEntry>& primaries);

}  // namespace portlens::registry
