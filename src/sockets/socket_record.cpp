#include "sockets/socket_record.h"

#include <array>

namespace portlens::sockets {
namespace {

struct StateName {
  TcpState state;
  std::string_view name;
  std::string_view column;
};

constexpr std::array<StateName, 12> kNames{{
    {TcpState::kEstablished, "established", "ESTAB"},
    {TcpState::kSynSent, "syn-sent", "SYN-SENT"},
    {TcpState::kSynRecv, "syn-recv", "SYN-RECV"},
    {TcpState::kFinWait1, "fin-wait-1", "FIN-WAIT-1"},
    {TcpState::kFinWait2, "fin-wait-2", "FIN-WAIT-2"},
    {TcpState::kTimeWait, "time-wait", "TIME-WAIT"},
    {TcpState::kClose, "closed", "UNCONN"},
    {TcpState::kCloseWait, "close-wait", "CLOSE-WAIT"},
    {TcpState::kLastAck, "last-ack", "LAST-ACK"},
    {TcpState::kListen, "listening", "LISTEN"},
    {TcpState::kClosing, "closing", "CLOSING"},
    {TcpState::kNewSynRecv, "syn-recv", "SYN-RECV"},
}};

}  // namespace

std::string_view toString(TcpState state) {
  const auto index = static_cast<std::size_t>(state) - 1;
  return index < kNames.size() ? kNames[index].name : std::string_view("unknown");
}

std::string_view toColumnString(TcpState state) {
  const auto index = static_cast<std::size_t>(state) - 1;
  return index < kNames.size() ? kNames[index].column : std::string_view("UNKNOWN");
}

std::optional<TcpState> parseState(std::string_view name) {
  if (name == "listen") return TcpState::kListen;
  if (name == "estab") return TcpState::kEstablished;
  for (const StateName& entry : kNames) {
    if (entry.name == name) return entry.state;
  }
  return std::nullopt;
}

std::optional<TcpState> stateFromNumber(unsigned number) {
  if (number < 1 || number > 12) return std::nullopt;
  return static_cast<TcpState>(number);
}

}  // namespace portlens::sockets
