#include "sockets/text_table.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace portlens::sockets {
namespace {

void pad(std::string& out, std::size_t used, std::size_t width) {
  if (used < width) out.append(width - used, ' ');
}

void appendLeft(std::string& out, std::string_view text, std::size_t width) {
  out += text;
  pad(out, text.size(), width);
}

void appendRight(std::string& out, std::uint64_t value, std::size_t width) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  const auto size = static_cast<std::size_t>(end - digits);
  pad(out, size, width);
  out.append(digits, size);
}

struct Service {
  std::string_view name;  // "-" when IANA has none
  std::string_view range;
  std::size_t size() const { return name.size() + 1 + range.size(); }
};

Service serviceOf(const registry::PortRegistry& registry, std::uint16_t port) {
  const std::string_view name = registry.serviceName(port);
  return {name.empty() ? "-" : name, registry::toString(registry::rangeOf(port))};
}

void appendService(std::string& out, const Service& service, std::size_t width) {
  out += service.name;
  out += '/';
  out += service.range;
  pad(out, service.size(), width);
}

// Offsets into one arena string instead of two std::strings per row.
struct RowCells {
  std::uint32_t local_begin, local_end, peer_begin, peer_end;
  Service local_service, peer_service;
};

}  // namespace

void appendNumber(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

void appendAddress(std::string& out, const core::IpAddress& address) {
  if (address.isV4()) {
    const std::uint32_t v4 = address.v4();
    for (int shift = 24; shift >= 0; shift -= 8) {
      appendNumber(out, (v4 >> shift) & 0xff);
      if (shift) out += '.';
    }
    return;
  }
  char text[INET6_ADDRSTRLEN];
  const auto bytes = address.v6Bytes();
  ::inet_ntop(AF_INET6, bytes.data(), text, sizeof(text));
  out += text;
}

void appendEndpoint(std::string& out, const core::IpAddress& address, std::uint16_t port,
                    std::string_view port_text) {
  if (address.isV6()) out += '[';
  appendAddress(out, address);
  out += address.isV6() ? "]:" : ":";
  if (port_text.empty()) {
    appendNumber(out, port);
  } else {
    out += port_text;
  }
}

void formatTextTable(const std::vector<SocketRecord>& records, const FormatOptions& options,
                     const registry::PortRegistry& registry, std::string& out) {
  std::string arena;
  arena.reserve(records.size() * 40);
  std::vector<RowCells> cells;
  cells.reserve(records.size());
  std::array<std::size_t, 4> widths{18, 13, 17, 12};
  for (const SocketRecord& r : records) {
    RowCells c{};
    c.local_begin = static_cast<std::uint32_t>(arena.size());
    appendEndpoint(arena, r.local, r.local_port);
    c.local_end = c.peer_begin = static_cast<std::uint32_t>(arena.size());
    if (hasNoPeer(r)) {
      appendEndpoint(arena, r.peer, 0, "*");
      c.peer_service = {"-", ""};
    } else {
      appendEndpoint(arena, r.peer, r.peer_port);
      c.peer_service = serviceOf(registry, r.peer_port);
    }
    c.peer_end = static_cast<std::uint32_t>(arena.size());
    c.local_service = serviceOf(registry, r.local_port);
    widths[0] = std::max<std::size_t>(widths[0], c.local_end - c.local_begin);
    widths[1] = std::max(widths[1], c.local_service.size());
    widths[2] = std::max<std::size_t>(widths[2], c.peer_end - c.peer_begin);
    widths[3] = std::max(widths[3], c.peer_service.range.empty() ? 1 : c.peer_service.size());
    cells.push_back(c);
  }
  if (options.header) {
    appendLeft(out, "State", 11);
    out += "Recv-Q Send-Q ";
    appendLeft(out, "Local Address:Port", widths[0] + 1);
    appendLeft(out, "Local Service", widths[1] + 1);
    appendLeft(out, "Peer Address:Port", widths[2] + 1);
    appendLeft(out, "Peer Service", widths[3] + 1);
    out += options.processes ? "  UID Process\n" : "  UID\n";
  }
  const std::string_view all(arena);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const SocketRecord& r = records[i];
    const RowCells& c = cells[i];
    appendLeft(out, toColumnString(r.state), 10);
    appendRight(out, r.recv_q, 7);
    appendRight(out, r.send_q, 7);
    out += ' ';
    appendLeft(out, all.substr(c.local_begin, c.local_end - c.local_begin), widths[0] + 1);
    appendService(out, c.local_service, widths[1] + 1);
    appendLeft(out, all.substr(c.peer_begin, c.peer_end - c.peer_begin), widths[2] + 1);
    if (c.peer_service.range.empty()) {
      appendLeft(out, "-", widths[3]);
    } else {
      appendService(out, c.peer_service, widths[3]);
    }
    appendRight(out, r.uid, 5);
    if (options.processes) {
      out += ' ';
      appendProcessesText(out, r);
    }
    out += '\n';
    if (options.flush && out.size() >= FormatOptions::kFlushBytes) options.flush(out);
  }
}

}  // namespace portlens::sockets
