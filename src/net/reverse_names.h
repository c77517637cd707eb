// Reverse names (PTR records, or the hosts file) of scan targets, looked up once before the
// scan, many at a time and within a deadline: a slow or absent resolver delays a scan by the
// deadline at most, never by its own timeouts times the number of hosts.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/target_set.h"

namespace portlens::net {

// The name of one address, or "" when it has none. May block; called from worker threads.
using ReverseLookup = std::function<std::string(const core::IpAddress&)>;

struct ReverseLookupLimits {
  std::size_t max_addresses = 256;  // larger target sets are not looked up at all
  unsigned parallel = 16;           // lookups in flight
  std::chrono::milliseconds deadline{2000};
};

// getnameinfo(NI_NAMEREQD): the system's resolver configuration (nsswitch: files, dns).
std::string systemReverseLookup(const core::IpAddress& address);

// The names found before the deadline. Lookups still running then finish in the background
// and their answers are dropped.
std::map<core::IpAddress, std::string> lookupReverseNames(
    const std::vector<core::IpAddress>& addresses, const ReverseLookupLimits& limits,
    const ReverseLookup& lookup = systemReverseLookup);

// Names every target the user gave numerically by its reverse name (a name the user typed
// wins). Does nothing when the set holds more than limits.max_addresses. Returns how many
// targets were named.
std::size_t nameTargetsByReverseLookup(core::TargetSet& targets, const ReverseLookupLimits& limits,
                                       const ReverseLookup& lookup = systemReverseLookup);

}  // namespace portlens::net
