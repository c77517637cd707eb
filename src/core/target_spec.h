// Parses nmap-style target specifications into a TargetSet. Pure: name resolution is
// injected, so tests never touch DNS. Accepted forms, one per token:
//   198.18.0.7    2001:2::7    [2001:2::7]         single addresses
//   198.18.0.0/16    2001:2::/120                  CIDR (host bits are ignored, as nmap does)
//   198.18.0-3.1-254    198.18.3,5.*    10.0.0.-5  octet ranges, lists and '*' per octet
//   scanme.example      a hostname, resolved once; every returned address is kept
// Errors throw UsageError naming the offending token.
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/target_set.h"

namespace portlens::core {

// Resolves a hostname to all its addresses; returns an empty vector when it does not resolve.
using HostResolver = std::function<std::vector<IpAddress>(const std::string& hostname)>;

// Octet-range products are expanded into intervals; more than this many is refused so a
// pathological spec cannot eat memory (2^22 intervals is 32 MiB).
inline constexpr std::size_t kMaxTargetIntervals = std::size_t{1} << 22;

// Adds one target token to `set`.
void addTargetSpec(TargetSet& set, std::string_view token, const HostResolver& resolver);

// Adds a comma-separated list (the --exclude syntax) to `set`.
void addTargetList(TargetSet& set, std::string_view comma_list, const HostResolver& resolver);

// Reads an -iL / --exclude-file: whitespace-separated tokens, '#' starts a comment.
std::vector<std::string> readTargetTokens(std::istream& in);

}  // namespace portlens::core
