// Pure parser of /proc/net/tcp and /proc/net/tcp6 text, the fallback source when
// NETLINK_SOCK_DIAG is unavailable. Addresses are the kernel's raw 32-bit words printed in hex
// in host byte order (little-endian here, as on every machine Portlens targets).
// The header line is skipped; states outside `states` are dropped (the filter the kernel
// applies for netlink). Listening sockets report Send-Q 0 here (netlink reports the backlog).
// Throws core::UsageError naming the line number when a line is malformed.
#pragma once

#include <string_view>
#include <vector>

#include "sockets/socket_record.h"

namespace portlens::sockets {

void parseProcNetTcp(std::string_view text, core::Family family, StateMask states,
                     std::vector<SocketRecord>& out);

}  // namespace portlens::sockets
