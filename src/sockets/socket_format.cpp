#include "sockets/socket_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace portlens::sockets {
namespace {

struct Endpoints {
  std::string local;
  std::string peer;
};

std::string serviceText(const registry::PortRegistry& registry, std::uint16_t port) {
  const std::string_view name = registry.serviceName(port);
  return fmt::format("{}/{}", name.empty() ? "-" : name,
                     registry::toString(registry::rangeOf(port)));
}

void appendEndpointJson(std::string& out, const registry::PortRegistry& registry,
                        const core::IpAddress& address, std::uint16_t port) {
  fmt::format_to(std::back_inserter(out), R"({{"ip":"{}","port":{},"service":)", address.toString(),
                 port);
  appendJsonString(out, registry.serviceName(port));
  fmt::format_to(std::back_inserter(out), R"(,"range":"{}"}})",
                 registry::toString(registry::rangeOf(port)));
}

void appendRecordJson(std::string& out, const SocketRecord& r, const FormatOptions& options,
                      const registry::PortRegistry& registry) {
  fmt::format_to(std::back_inserter(out), R"({{"state":"{}","recv_q":{},"send_q":{},"local":)",
                 toString(r.state), r.recv_q, r.send_q);
  appendEndpointJson(out, registry, r.local, r.local_port);
  out += R"(,"peer":)";
  appendEndpointJson(out, registry, r.peer, r.peer_port);
  fmt::format_to(std::back_inserter(out), R"(,"uid":{},"inode":{})", r.uid, r.inode);
  if (options.processes) {
    out += R"(,"processes":[)";
    for (std::size_t i = 0; i < r.processes.size(); ++i) {
      const ProcessRef& p = r.processes[i];
      fmt::format_to(std::back_inserter(out), R"({}{{"pid":{},"fd":{},"name":)", i ? "," : "",
                     p.pid, p.fd);
      appendJsonString(out, p.name);
      out += R"(,"cmdline":)";
      appendJsonString(out, p.cmdline);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

std::string csvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

// Listening sockets have no peer: "0.0.0.0:*" and no service, as ss prints them.
bool noPeer(const SocketRecord& r) { return r.peer_port == 0 && r.state == TcpState::kListen; }

void formatText(const std::vector<SocketRecord>& records, const FormatOptions& options,
                const registry::PortRegistry& registry, std::string& out) {
  struct Cells {
    std::string local, local_service, peer, peer_service;
  };
  std::vector<Cells> cells;
  cells.reserve(records.size());
  std::size_t widths[4] = {18, 13, 17, 12};
  for (const SocketRecord& r : records) {
    Cells c;
    c.local = endpointText(r.local, r.local_port);
    c.local_service = serviceText(registry, r.local_port);
    if (noPeer(r)) {
      // Built from string_views: g++ 12 warns (-Wrestrict, a known false positive) when a
      // std::string is assigned a conditional string literal here.
      const std::string_view wildcard = r.peer.isV4() ? "0.0.0.0:*" : "[::]:*";
      c.peer.assign(wildcard.data(), wildcard.size());
      c.peer_service.push_back('-');
    } else {
      c.peer = endpointText(r.peer, r.peer_port);
      c.peer_service = serviceText(registry, r.peer_port);
    }
    widths[0] = std::max(widths[0], c.local.size());
    widths[1] = std::max(widths[1], c.local_service.size());
    widths[2] = std::max(widths[2], c.peer.size());
    widths[3] = std::max(widths[3], c.peer_service.size());
    cells.push_back(std::move(c));
  }
  auto it = std::back_inserter(out);
  if (options.header) {
    fmt::format_to(it, "{:<10} {:>6} {:>6} {:<{}} {:<{}} {:<{}} {:<{}} {:>5}{}\n", "State",
                   "Recv-Q", "Send-Q", "Local Address:Port", widths[0], "Local Service", widths[1],
                   "Peer Address:Port", widths[2], "Peer Service", widths[3], "UID",
                   options.processes ? " Process" : "");
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const SocketRecord& r = records[i];
    const Cells& c = cells[i];
    fmt::format_to(it, "{:<10} {:>6} {:>6} {:<{}} {:<{}} {:<{}} {:<{}} {:>5}",
                   toColumnString(r.state), r.recv_q, r.send_q, c.local, widths[0], c.local_service,
                   widths[1], c.peer, widths[2], c.peer_service, widths[3], r.uid);
    if (options.processes) {
      out += ' ';
      out += processesText(r);
    }
    out += '\n';
  }
}

void formatCsv(const std::vector<SocketRecord>& records, const FormatOptions& options,
               const registry::PortRegistry& registry, std::string& out) {
  out +=
      "state,recv_q,send_q,local_ip,local_port,local_service,local_range,peer_ip,peer_port,"
      "peer_service,peer_range,uid,inode";
  out += options.processes ? ",pids,processes\n" : "\n";
  auto it = std::back_inserter(out);
  for (const SocketRecord& r : records) {
    fmt::format_to(it, "{},{},{},{},{},{},{},{},{},{},{},{},{}", toString(r.state), r.recv_q,
                   r.send_q, r.local.toString(), r.local_port,
                   csvField(registry.serviceName(r.local_port)),
                   registry::toString(registry::rangeOf(r.local_port)), r.peer.toString(),
                   r.peer_port, csvField(registry.serviceName(r.peer_port)),
                   registry::toString(registry::rangeOf(r.peer_port)), r.uid, r.inode);
    if (options.processes) {
      std::string pids, names;
      for (const ProcessRef& p : r.processes) {
        pids += fmt::format("{}{}", pids.empty() ? "" : " ", p.pid);
        names += fmt::format("{}{}", names.empty() ? "" : " ", p.name);
      }
      fmt::format_to(it, ",{},{}", pids, csvField(names));
    }
    out += '\n';
  }
}

}  // namespace

std::optional<SocketFormat> parseSocketFormat(std::string_view name) {
  if (name == "text") return SocketFormat::kText;
  if (name == "json") return SocketFormat::kJson;
  if (name == "ndjson") return SocketFormat::kNdjson;
  if (name == "csv") return SocketFormat::kCsv;
  return std::nullopt;
}

std::string endpointText(const core::IpAddress& address, std::uint16_t port) {
  if (address.isV4()) return fmt::format("{}:{}", address.toString(), port);
  return fmt::format("[{}]:{}", address.toString(), port);
}

std::string processesText(const SocketRecord& record) {
  if (record.processes.empty()) return "-";
  std::string text;
  for (const ProcessRef& p : record.processes) {
    if (!text.empty()) text += ',';
    fmt::format_to(std::back_inserter(text), "{}/{}", p.name, p.pid);
  }
  return text;
}

void formatSockets(const std::vector<SocketRecord>& records, const FormatOptions& options,
                   const registry::PortRegistry& registry, const std::vector<std::string>& notes,
                   std::string& out) {
  switch (options.format) {
    case SocketFormat::kText:
      formatText(records, options, registry, out);
      return;
    case SocketFormat::kCsv:
      formatCsv(records, options, registry, out);
      return;
    case SocketFormat::kNdjson:
      for (const SocketRecord& r : records) {
        appendRecordJson(out, r, options, registry);
        out += '\n';
      }
      return;
    case SocketFormat::kJson:
      out += R"({"sockets":[)";
      for (std::size_t i = 0; i < records.size(); ++i) {
        out += i == 0 ? "\n" : ",\n";
        appendRecordJson(out, records[i], options, registry);
      }
      out += "\n],\"notes\":[";
      for (std::size_t i = 0; i < notes.size(); ++i) {
        if (i) out += ',';
        appendJsonString(out, notes[i]);
      }
      out += "]}\n";
      return;
  }
}

}  // namespace portlens::sockets
