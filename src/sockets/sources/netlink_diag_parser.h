// Pure (de)serialisation of NETLINK_SOCK_DIAG messages for TCP, separated from the socket I/O
// (sources/netlink_diag.*) so it can be tested on captured dumps and fuzzed.
//   buildDumpRequest: the bytes of one inet_diag_req_v2 dump request (TCP, one family, the
//     kernel-side state mask, and the port conditions as INET_DIAG_REQ_BYTECODE).
//   buildPortBytecode: the sock_diag bytecode accepting exactly the sockets that satisfy
//     every condition (empty for none).
//   parseDumpChunk: walks one recv() buffer of netlink messages, appending a SocketRecord per
//     SOCK_DIAG_BY_FAMILY message. Never reads past `bytes`; malformed or truncated messages
//     end the walk with kMalformed instead of crashing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/ip_address.h"
#include "sockets/filter.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

std::vector<std::uint8_t> buildPortBytecode(const std::vector<PortCondition>& conditions);
std::vector<std::uint8_t> buildDumpRequest(core::Family family, StateMask states,
                                           std::uint32_t sequence,
                                           const std::vector<PortCondition>& conditions = {});

struct ChunkResult {
  enum class Status : std::uint8_t {
    kMore,       // every message parsed; the dump continues in the next recv()
    kDone,       // NLMSG_DONE seen: the dump is complete
    kError,      // NLMSG_ERROR from the kernel; `error` holds the positive errno
    kMalformed,  // a message header or payload did not fit
  };
  Status status = Status::kMore;
  int error = 0;
};

ChunkResult parseDumpChunk(std::span<const std::uint8_t> bytes, std::vector<SocketRecord>& out);

}  // namespace portlens::sockets
