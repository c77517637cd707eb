// Where the kernel would send a packet: the outgoing interface, the source address and the
// next hop, asked over rtnetlink (RTM_GETROUTE), plus the interface's own MAC and the next
// hop's MAC from the neighbour table (RTM_GETNEIGH), resolved by the kernel if missing.
// Blocking calls, made once before a raw scan starts; they send nothing on the network
// except the ARP/NDP request the kernel itself makes to resolve a missing neighbour.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/ip_address.h"
#include "net/syn_frame.h"

namespace portlens::net {

struct Route {
  int interface_index = 0;
  core::IpAddress source;                  // the kernel's preferred source address
  std::optional<core::IpAddress> gateway;  // nullopt: the target is on-link (or local)
  bool local = false;                      // the target is an address of this machine
};

struct Interface {
  int index = 0;
  std::string name;
  MacAddress mac{};
  bool loopback = false;  // frames carry zero MACs and need no neighbour
};

// nullopt when the kernel has no route (the message says why).
std::optional<Route> lookupRoute(const core::IpAddress& target, std::string& why);
std::optional<Interface> lookupInterface(int index);
std::optional<Interface> lookupInterface(const std::string& name);
// The MAC of `neighbour` on `interface_index` if the kernel knows it; otherwise asks the
// kernel to resolve it (ARP/NDP) and waits up to `timeout`.
std::optional<MacAddress> resolveNeighbour(int interface_index, const core::IpAddress& neighbour,
                                           std::chrono::milliseconds timeout);

}  // namespace portlens::net
