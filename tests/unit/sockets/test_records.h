// Builds SocketRecords for the pure tests.
#pragma once

#include <string>

#include "sockets/socket_record.h"

namespace portlens::sockets::testing {

inline SocketRecord record(TcpState state, const std::string& local, std::uint16_t local_port,
                           const std::string& peer, std::uint16_t peer_port,
                           std::uint64_t inode = 0) {
  SocketRecord r;
  r.state = state;
  r.local = *core::IpAddress::parse(local);
  r.local_port = local_port;
  r.peer = *core::IpAddress::parse(peer);
  r.peer_port = peer_port;
  r.inode = inode;
  return r;
}

}  // namespace portlens::sockets::testing
