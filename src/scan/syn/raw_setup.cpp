#include "scan/syn/raw_setup.h"

#include "scan/cookie.h"

namespace portlens::scan::syn {

RawScan prepareRawScan(const core::TargetSet& targets, const RouteOverrides& overrides,
                       const Shard& shard, std::optional<std::uint16_t> fixed_source_port,
                       core::Clock& clock) {
  net::NetlinkRouteSource routes(clock);
  const auto [ipv4, ipv6] = resolvePaths(targets, overrides, true, routes);
  RawScan scan;
  scan.source_ports = reserveSourcePorts(fixed_source_port, kMaxRounds);
  const std::uint16_t last_port =
      fixed_source_port ? *fixed_source_port
                        : static_cast<std::uint16_t>(scan.source_ports.base + kMaxRounds - 1);
  scan.io = std::make_unique<RawPacketIo>(ipv4 ? ipv4->interface_index : 0,
                                          ipv6 ? ipv6->interface_index : 0, ipv4 && ipv4->loopback,
                                          scan.source_ports.base, last_port);
  if (ipv4) scan.plan.ipv4 = ipv4->origin;
  if (ipv6) scan.plan.ipv6 = ipv6->origin;
  scan.plan.source_port = scan.source_ports.base;
  scan.plan.fixed_source_port = fixed_source_port.has_value();
  scan.plan.shard = shard;
  scan.plan.secret = randomSecret();  // fresh for every run, resumed ones included
  return scan;
}

}  // namespace portlens::scan::syn
