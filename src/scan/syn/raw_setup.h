// Everything a SYN scan needs before its first packet, for the CLI and the server alike:
// one resolved path per address family of the targets (route_plan.h), the held source
// ports, the raw sockets and a fresh cookie secret. Blocking; call on the thread that will
// run the scan, before privileges are dropped (opening raw sockets needs CAP_NET_RAW).
#pragma once

#include <memory>
#include <optional>

#include "core/clock.h"
#include "core/target_set.h"
#include "scan/shard.h"
#include "scan/syn/raw_packet_io.h"
#include "scan/syn/route_plan.h"
#include "scan/syn/syn_engine.h"

namespace portlens::scan::syn {

struct RawScan {
  SynPlan plan;
  SourcePorts source_ports;  // held until the scan ends
  std::unique_ptr<RawPacketIo> io;
};

// Throws core::UsageError (no route, unresolvable next hop, ...) or std::system_error
// (EPERM without CAP_NET_RAW). Routes come from the kernel (net::NetlinkRouteSource); `clock`
// paces the wait for a next hop's MAC.
RawScan prepareRawScan(const core::TargetSet& targets, const RouteOverrides& overrides,
                       const Shard& shard, std::optional<std::uint16_t> fixed_source_port,
                       core::Clock& clock);

}  // namespace portlens::scan::syn
