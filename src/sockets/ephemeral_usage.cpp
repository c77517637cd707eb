#include "sockets/ephemeral_usage.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "core/error.h"
#include "sockets/socket_format.h"

namespace portlens::sockets {
namespace {

std::uint16_t parsePort(std::string_view text) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > 65535) {
    throw core::UsageError("ip_local_reserved_ports: bad port '" + std::string(text) + "'");
  }
  return static_cast<std::uint16_t>(value);
}

double share(std::size_t used, std::size_t available) {
  return available == 0 ? 1.0 : static_cast<double>(used) / static_cast<double>(available);
}

}  // namespace

PortRanges parseReservedPorts(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  PortRanges ranges;
  while (!text.empty()) {
    const auto comma = std::min(text.find(','), text.size());
    const std::string_view item = text.substr(0, comma);
    const auto dash = item.find('-');
    const std::uint16_t first = parsePort(item.substr(0, dash));
    const std::uint16_t last =
        dash == std::string_view::npos ? first : parsePort(item.substr(dash + 1));
    if (first > last) throw core::UsageError("ip_local_reserved_ports: bad range");
    ranges.emplace_back(first, last);
    text.remove_prefix(std::min(comma + 1, text.size()));
  }
  return ranges;
}

EphemeralUsage computeEphemeralUsage(const std::vector<SocketRecord>& records,
                                     const registry::EphemeralRange& range,
                                     const PortRanges& reserved, double warn_share) {
  EphemeralUsage usage;
  usage.range = range;
  usage.reserved = reserved;
  std::size_t reserved_inside = 0;
  std::vector<bool> reserved_port(65536, false);
  for (const auto& [first, last] : reserved) {
    for (unsigned p = first; p <= last; ++p) {
      if (range.contains(static_cast<std::uint16_t>(p)) && !reserved_port[p]) ++reserved_inside;
      reserved_port[p] = true;
    }
  }
  usage.available = static_cast<std::size_t>(range.last - range.first + 1) - reserved_inside;

  std::vector<bool> used(65536, false);
  std::map<std::pair<core::IpAddress, std::uint16_t>, DestinationUsage> by_destination;
  for (const SocketRecord& r : records) {
    if (r.state == TcpState::kListen || !range.contains(r.local_port)) continue;
    ++usage.sockets;
    const bool time_wait = r.state == TcpState::kTimeWait;
    usage.time_wait += time_wait;
    if (!used[r.local_port]) ++usage.distinct_ports;
    used[r.local_port] = true;
    DestinationUsage& d = by_destination[{r.peer, r.peer_port}];
    d.address = r.peer;
    d.port = r.peer_port;
    ++d.in_use;
    d.time_wait += time_wait;
  }
  for (auto& [key, d] : by_destination) usage.destinations.push_back(d);
  std::sort(usage.destinations.begin(), usage.destinations.end(),
            [](const DestinationUsage& a, const DestinationUsage& b) {
              return std::tie(b.in_use, a.address, a.port) < std::tie(a.in_use, b.address, b.port);
            });
  for (const DestinationUsage& d : usage.destinations) {
    if (share(d.in_use, usage.available) < warn_share) break;
    usage.warnings.push_back(fmt::format(
        "{} uses {} of {} ephemeral ports ({:.0f}%, {} in TIME_WAIT): new connections to it "
        "will fail with EADDRNOTAVAIL when none is left",
        endpointText(d.address, d.port), d.in_use, usage.available,
        100 * share(d.in_use, usage.available), d.time_wait));
  }
  if (share(usage.distinct_ports, usage.available) >= warn_share) {
    usage.warnings.push_back(fmt::format(
        "{} of {} ephemeral ports are held: bind() without a port (and connect() to new "
        "destinations) may fail with EADDRINUSE/EADDRNOTAVAIL",
        usage.distinct_ports, usage.available));
  }
  return usage;
}

std::string renderEphemeralText(const EphemeralUsage& usage, std::size_t top) {
  std::string out = fmt::format("Ephemeral range  {}-{} ({} ports", usage.range.first,
                                usage.range.last, usage.range.last - usage.range.first + 1);
  std::string reserved;
  for (const auto& [first, last] : usage.reserved) {
    reserved += reserved.empty() ? "" : ",";
    reserved += first == last ? fmt::format("{}", first) : fmt::format("{}-{}", first, last);
  }
  out += reserved.empty() ? ", none reserved)\n"
                          : fmt::format(", reserved {}; {} usable)\n", reserved, usage.available);
  out += fmt::format(
      "In use           {} sockets ({} in TIME_WAIT) on {} distinct ports, {:.1f}% "
      "of the range\n",
      usage.sockets, usage.time_wait, usage.distinct_ports,
      100 * share(usage.distinct_ports, usage.available));
  if (!usage.destinations.empty()) {
    out +=
        fmt::format("\n{:<46} {:>8} {:>9} {:>7}\n", "Destination", "in use", "TIME_WAIT", "share");
    for (std::size_t i = 0; i < usage.destinations.size() && i < top; ++i) {
      const DestinationUsage& d = usage.destinations[i];
      out += fmt::format("{:<46} {:>8} {:>9} {:>6.1f}%\n", endpointText(d.address, d.port),
                         d.in_use, d.time_wait, 100 * share(d.in_use, usage.available));
    }
  }
  for (const std::string& warning : usage.warnings) out += "\nwarning: " + warning;
  if (!usage.warnings.empty()) out += '\n';
  return out;
}

std::string renderEphemeralJson(const EphemeralUsage& usage, std::size_t top) {
  std::string out = fmt::format(R"({{"range":{{"first":{},"last":{}}},"reserved":[)",
                                usage.range.first, usage.range.last);
  for (std::size_t i = 0; i < usage.reserved.size(); ++i) {
    out += fmt::format(R"({}{{"first":{},"last":{}}})", i ? "," : "", usage.reserved[i].first,
                       usage.reserved[i].second);
  }
  out += fmt::format(R"(],"available":{},"sockets":{},"time_wait":{},"distinct_ports":{},)"
                     R"("share":{:.4f},"destinations":[)",
                     usage.available, usage.sockets, usage.time_wait, usage.distinct_ports,
                     share(usage.distinct_ports, usage.available));
  for (std::size_t i = 0; i < usage.destinations.size() && i < top; ++i) {
    const DestinationUsage& d = usage.destinations[i];
    out += fmt::format(R"({}{{"ip":"{}","port":{},"in_use":{},"time_wait":{},"share":{:.4f}}})",
                       i ? "," : "", d.address.toString(), d.port, d.in_use, d.time_wait,
                       share(d.in_use, usage.available));
  }
  out += R"(],"warnings":[)";
  for (std::size_t i = 0; i < usage.warnings.size(); ++i) {
    if (i) out += ',';
    appendJsonString(out, usage.warnings[i]);
  }
  out += "]}\n";
  return out;
}

}  // namespace portlens::sockets
