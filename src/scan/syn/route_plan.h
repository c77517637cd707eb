// Turning targets into the frame origin a raw scan sends from: the kernel's route (over
// rtnetlink) gives the interface, source address and next hop; the interface gives its MAC;
// the neighbour table gives the next hop's MAC (resolved by the kernel when missing). The
// user's --interface, --source-ip and --router-mac override each step. Also reserves the
// scan's source ports so the kernel hands them to no one else. Runs before the scan starts,
// on the CLI's thread; errors are core::UsageError with a message meant for the user. The
// routes, interfaces and neighbours come from a net::RouteSource (the kernel's in production,
// a scripted one in tests).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/target_set.h"
#include "net/route_lookup.h"
#include "net/syn_frame.h"
#include "net/unique_fd.h"

namespace portlens::scan::syn {

struct RouteOverrides {
  std::string interface;                       // --interface
  std::optional<core::IpAddress> source_ipv4;  // --source-ip (one per family)
  std::optional<core::IpAddress> source_ipv6;
  std::optional<net::MacAddress> router_mac;  // --router-mac
};

struct ResolvedPath {
  net::FrameOrigin origin;
  int interface_index = 0;
  std::optional<core::IpAddress> next_hop;  // nullopt on loopback
  bool loopback = false;                    // the interface is a loopback device
};

// The path for the targets of `family`. `need_mac` false (dry runs) skips neighbour
// resolution and tolerates a missing route when a source address was given.
ResolvedPath resolvePath(const core::TargetSet& targets, core::Family family,
                         const RouteOverrides& overrides, bool need_mac, net::RouteSource& routes);

// The paths for every family the targets hold (nullopt for a family they do not hold).
struct FamilyPaths {
  std::optional<ResolvedPath> ipv4;
  std::optional<ResolvedPath> ipv6;
};
FamilyPaths resolvePaths(const core::TargetSet& targets, const RouteOverrides& overrides,
                         bool need_mac, net::RouteSource& routes);

// "aa:bb:cc:dd:ee:ff" -> bytes; nullopt when malformed.
std::optional<net::MacAddress> parseMac(const std::string& text);

// Source ports held for the scan's lifetime: `count` consecutive ports from `base`, bound
// (not listening) so the kernel neither reuses them nor keeps half-open state for them; a
// SYN-ACK to them gets the kernel's RST, which closes the probed connection politely.
struct SourcePorts {
  std::uint16_t base = 0;
  std::vector<net::UniqueFd> holds;
};
// `fixed`: the user's --source-port (one port, held if possible); otherwise a random free
// block above the default ephemeral range.
SourcePorts reserveSourcePorts(std::optional<std::uint16_t> fixed, unsigned count);

}  // namespace portlens::scan::syn
