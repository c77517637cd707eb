// Where the kernel would send a packet: the outgoing interface, the source address and the
// next hop, asked over rtnetlink (RTM_GETROUTE), plus the interface's own MAC and the next
// hop's MAC from the neighbour table (RTM_GETNEIGH), resolved by the kernel if missing.
// Blocking calls, made once before a raw scan starts; they send nothing on the network
// except the ARP/NDP request the kernel itself makes to resolve a missing neighbour.
//
// RouteSource is the interface scan/syn/route_plan asks; NetlinkRouteSource asks the kernel,
// and unit tests give route_plan a scripted source instead. Errors are return values
// (nullopt), never exceptions; one source is used by one thread at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.h"
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

class RouteSource {
 public:
  virtual ~RouteSource() = default;

  // nullopt when there is no route (`why` says why).
  virtual std::optional<Route> lookupRoute(const core::IpAddress& target, std::string& why) = 0;
  // nullopt when there is no such interface, or it is neither Ethernet nor loopback.
  virtual std::optional<Interface> lookupInterface(int index) = 0;
  virtual std::optional<Interface> lookupInterface(const std::string& name) = 0;
  // The MAC of `neighbour` on `interface_index` if it is known; otherwise has it resolved
  // (ARP/NDP) and waits up to `timeout`. nullopt when it does not answer.
  virtual std::optional<MacAddress> resolveNeighbour(int interface_index,
                                                     const core::IpAddress& neighbour,
                                                     std::chrono::milliseconds timeout) = 0;
};

// The kernel's answers over rtnetlink (and ioctl for interface MACs). `clock` paces the wait
// for a neighbour being resolved.
class NetlinkRouteSource final : public RouteSource {
 public:
  explicit NetlinkRouteSource(core::Clock& clock) : clock_(clock) {}

  std::optional<Route> lookupRoute(const core::IpAddress& target, std::string& why) override;
  std::optional<Interface> lookupInterface(int index) override;
  std::optional<Interface> lookupInterface(const std::string& name) override;
  std::optional<MacAddress> resolveNeighbour(int interface_index, const core::IpAddress& neighbour,
                                             std::chrono::milliseconds timeout) override;

 private:
  core::Clock& clock_;
};

}  // namespace portlens::net
