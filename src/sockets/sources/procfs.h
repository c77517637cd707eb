// The fallback socket source: reads /proc/net/tcp and /proc/net/tcp6 of the calling process's
// network namespace and parses them (procfs_parser.h). A missing tcp6 file (IPv6 disabled) is
// not an error. Throws std::system_error when /proc/net/tcp cannot be read.
#pragma once

#include <vector>

#include "sockets/socket_record.h"

namespace portlens::sockets {

std::vector<SocketRecord> readProcNetTcp(StateMask states);

}  // namespace portlens::sockets
