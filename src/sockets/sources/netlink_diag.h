// Reads the TCP socket table (IPv4 then IPv6) from the kernel through NETLINK_SOCK_DIAG: one
// dump request per family, the state mask applied by the kernel. Runs in the caller's thread
// and network namespace (enter another one before calling; see netns.h).
// Without IPv6 in the kernel the table is IPv4 only. Throws std::system_error when the netlink
// socket cannot be opened or the kernel refuses the
// dump (callers then fall back to sources/procfs); a malformed reply is reported the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "sockets/filter.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

// Called with every raw recv() buffer, before it is parsed; used to record test fixtures.
using ChunkTap = std::function<void(std::span<const std::uint8_t>)>;

// `ports`: conditions the kernel applies too (bytecode), on top of the state mask.
std::vector<SocketRecord> dumpNetlink(StateMask states, const ChunkTap& tap = nullptr,
                                      const std::vector<PortCondition>& ports = {});

}  // namespace portlens::sockets
