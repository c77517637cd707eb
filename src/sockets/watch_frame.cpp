#include "sockets/watch_frame.h"

#include <fmt/format.h>

#include <array>

#include "sockets/socket_format.h"

namespace portlens::sockets {
namespace {

constexpr std::string_view kHome = "\x1b[H";
constexpr std::string_view kEraseLine = "\x1b[K";
constexpr std::string_view kEraseBelow = "\x1b[J";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReverse = "\x1b[7m";

std::string_view colorOf(RowChange change) {
  switch (change) {
    case RowChange::kNew:
      return "\x1b[32m";
    case RowChange::kGone:
      return "\x1b[31m";
    case RowChange::kChanged:
      return "\x1b[33m";
    case RowChange::kSame:
      break;
  }
  return "";
}

// Cuts to `width` bytes: every cell is ASCII except process names, which may be cut short.
std::string fit(std::string line, std::size_t width) {
  if (line.size() > width) line.resize(width);
  return line;
}

void addLine(std::string& out, std::string_view style, const std::string& text, bool color) {
  if (color && !style.empty()) out += style;
  out += text;
  if (color && !style.empty()) out += kReset;
  out += kEraseLine;
  out += "\r\n";
}

}  // namespace

std::string summaryLine(const std::vector<DiffRow>& rows) {
  std::array<std::size_t, 13> per_state{};
  std::size_t live = 0, added = 0, gone = 0, changed = 0;
  for (const DiffRow& row : rows) {
    added += row.change == RowChange::kNew;
    changed += row.change == RowChange::kChanged;
    if (row.change == RowChange::kGone) {
      ++gone;
      continue;
    }
    ++live;
    auto state = static_cast<std::size_t>(row.record.state);
    if (row.record.state == TcpState::kNewSynRecv)
      state = static_cast<std::size_t>(TcpState::kSynRecv);
    ++per_state[state % per_state.size()];
  }
  std::string line = fmt::format("{} sockets", live);
  std::string states;
  for (std::size_t s = 1; s < per_state.size(); ++s) {
    if (per_state[s] == 0) continue;
    states += fmt::format("{}{} {}", states.empty() ? ": " : ", ", per_state[s],
                          toString(static_cast<TcpState>(s)));
  }
  return line + states + fmt::format("  |  +{} new, -{} closed, ~{} changed", added, gone, changed);
}

std::string renderWatchFrame(const std::vector<DiffRow>& rows, const WatchFrameInfo& info,
                             const registry::PortRegistry& registry) {
  const std::size_t width = std::max<std::size_t>(info.width, 20);
  const std::size_t height = std::max<std::size_t>(info.height, 6);
  std::string out(kHome);
  addLine(out, kBold,
          fit(fmt::format("portlens sockets --watch  every {:g}s  sort {}  filter {}{}  {}",
                          info.interval_seconds, info.sort.empty() ? "-" : info.sort,
                          info.filter.empty() ? "-" : info.filter, info.paused ? "  [PAUSED]" : "",
                          info.clock),
              width),
          info.color);
  addLine(out, "",
          fit(summaryLine(rows) + fmt::format("  |  ephemeral {}/{}", info.ephemeral_in_use,
                                              info.ephemeral_available),
              width),
          info.color);
  addLine(out, kReverse,
          fit(fmt::format("{:<11}{:>7}{:>7} {:<28} {:<28} {:<16}{}", "State", "Recv-Q", "Send-Q",
                          "Local", "Peer", "Service", info.processes ? "Process" : ""),
              width),
          info.color);
  const std::size_t room = height - 4;  // title, summary, header, bottom line
  for (std::size_t i = 0; i < rows.size() && i < room; ++i) {
    const SocketRecord& r = rows[i].record;
    const std::string_view service = registry.serviceName(r.local_port);
    std::string line =
        fmt::format("{:<11}{:>7}{:>7} {:<28} {:<28} {:<16}{}", toColumnString(r.state), r.recv_q,
                    r.send_q, endpointText(r.local, r.local_port), peerText(r),
                    service.empty() ? "-" : service, info.processes ? processesText(r) : "");
    addLine(out, colorOf(rows[i].change), fit(std::move(line), width), info.color);
  }
  const std::size_t shown = std::min(rows.size(), room);
  for (std::size_t i = shown; i < room; ++i) addLine(out, "", "", info.color);
  std::string bottom = !info.prompt.empty() ? info.prompt
                       : !info.message.empty()
                           ? info.message
                           : fmt::format(
                                 "q quit  s sort  r reverse  f filter  p {}  "
                                 "({} more rows)",
                                 info.paused ? "resume" : "pause", rows.size() - shown);
  out += fit(std::move(bottom), width);
  out += kEraseBelow;
  return out;
}

}  // namespace portlens::sockets
