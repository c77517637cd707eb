// One TCP socket of the local table, as sock_diag or /proc/net/tcp* report it, plus the
// processes that hold it (filled by the process map when asked for). Plain values: every
// parser, filter, sorter and formatter of this library works on these records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace portlens::sockets {

// The kernel's TCP states (include/net/tcp_states.h), same numbers, so a state is also its
// bit in sock_diag's idiag_states mask. kNewSynRecv (a request socket) is shown as syn-recv.
enum class TcpState : std::uint8_t {
  kEstablished = 1,
  kSynSent = 2,
  kSynRecv = 3,
  kFinWait1 = 4,
  kFinWait2 = 5,
  kTimeWait = 6,
  kClose = 7,
  kCloseWait = 8,
  kLastAck = 9,
  kListen = 10,
  kClosing = 11,
  kNewSynRecv = 12,
};

using StateMask = std::uint32_t;  // bit (1 << state)
inline constexpr StateMask stateBit(TcpState state) {
  return StateMask{1} << static_cast<unsigned>(state);
}
inline constexpr StateMask kAllStates = 0x1ffe;  // bits 1..12
// ss's default: everything but listening, closed, TIME_WAIT and SYN_RECV sockets.
inline constexpr StateMask kConnectedStates =
    kAllStates &
    ~(stateBit(TcpState::kListen) | stateBit(TcpState::kClose) | stateBit(TcpState::kTimeWait) |
      stateBit(TcpState::kSynRecv) | stateBit(TcpState::kNewSynRecv));

// Lower-case names as ss spells them in filters: "established", "syn-sent", "time-wait",
// "listening", ... kNewSynRecv prints as "syn-recv".
std::string_view toString(TcpState state);
// ss's column names: "ESTAB", "LISTEN", "TIME-WAIT", ...
std::string_view toColumnString(TcpState state);
// Accepts the lower-case names (and "listen", "estab"); nullopt for anything else.
std::optional<TcpState> parseState(std::string_view name);
// A valid kernel state number 1..12, else nullopt (parsers use it on untrusted bytes).
std::optional<TcpState> stateFromNumber(unsigned number);

struct ProcessRef {
  std::int32_t pid = 0;
  std::int32_t fd = 0;
  std::string_view name;     // comm; points into the ProcessMap that filled it
  std::string_view cmdline;  // arguments joined by spaces
};

struct SocketRecord {
  TcpState state = TcpState::kClose;
  core::IpAddress local;
  core::IpAddress peer;
  std::uint16_t local_port = 0;
  std::uint16_t peer_port = 0;
  std::uint32_t recv_q = 0;  // listening: accept queue length
  std::uint32_t send_q = 0;  // listening: accept backlog limit
  std::uint32_t uid = 0;
  std::uint64_t inode = 0;  // 0 for TIME_WAIT and request sockets
  std::vector<ProcessRef> processes;
};

}  // namespace portlens::sockets
