#include "sockets/socket_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "core/csv_field.h"
#include "sockets/text_table.h"

namespace portlens::sockets {
namespace {

using core::csvField;

void appendEndpointJson(std::string& out, const registry::PortRegistry& registry,
                        const core::IpAddress& address, std::uint16_t port) {
  out += R"({"ip":")";
  appendAddress(out, address);
  out += R"(","port":)";
  appendNumber(out, port);
  out += R"(,"service":)";
  appendJsonString(out, registry.serviceName(port));
  out += R"(,"range":")";
  out += registry::toString(registry::rangeOf(port));
  out += R"("})";
}

void appendRecordJson(std::string& out, const SocketRecord& r, const FormatOptions& options,
                      const registry::PortRegistry& registry) {
  out += R"({"state":")";
  out += toString(r.state);
  out += R"(","recv_q":)";
  appendNumber(out, r.recv_q);
  out += R"(,"send_q":)";
  appendNumber(out, r.send_q);
  out += R"(,"local":)";
  appendEndpointJson(out, registry, r.local, r.local_port);
  out += R"(,"peer":)";
  appendEndpointJson(out, registry, r.peer, r.peer_port);
  out += R"(,"uid":)";
  appendNumber(out, r.uid);
  out += R"(,"inode":)";
  appendNumber(out, r.inode);
  if (options.processes) {
    out += R"(,"processes":[)";
    for (std::size_t i = 0; i < r.processes.size(); ++i) {
      const ProcessRef& p = r.processes[i];
      out += i ? R"(,{"pid":)" : R"({"pid":)";
      appendNumber(out, static_cast<std::uint64_t>(p.pid));
      out += R"(,"fd":)";
      appendNumber(out, static_cast<std::uint64_t>(p.fd));
      out += R"(,"name":)";
      appendJsonString(out, p.name);
      out += R"(,"cmdline":)";
      appendJsonString(out, p.cmdline);
      out += '}';
    }
    out += ']';
  }
  out += '}';
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
  std::string text;
  appendEndpoint(text, address, port);
  return text;
}

void appendPrintable(std::string& out, std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? ' ' : c;
  }
}

bool hasNoPeer(const SocketRecord& record) {
  return record.peer_port == 0 && record.state == TcpState::kListen;
}

std::string peerText(const SocketRecord& record) {
  std::string text;
  appendEndpoint(text, record.peer, record.peer_port, hasNoPeer(record) ? "*" : "");
  return text;
}

void appendProcessesText(std::string& out, const SocketRecord& record, CommandLines command_lines) {
  const bool with_command_lines = command_lines == CommandLines::kInclude;
  if (record.processes.empty()) out += '-';
  for (std::size_t p = 0; p < record.processes.size(); ++p) {
    if (p) out += with_command_lines ? ", " : ",";
    appendPrintable(out, record.processes[p].name);
    out += '/';
    appendNumber(out, static_cast<std::uint64_t>(record.processes[p].pid));
    if (with_command_lines) {
      out += " (";
      appendPrintable(out, record.processes[p].cmdline);
      out += ')';
    }
  }
}

std::string processesText(const SocketRecord& record, CommandLines command_lines) {
  std::string text;
  appendProcessesText(text, record, command_lines);
  return text;
}

void formatSockets(const std::vector<SocketRecord>& records, const FormatOptions& options,
                   const registry::PortRegistry& registry, const std::vector<std::string>& notes,
                   std::string& out) {
  switch (options.format) {
    case SocketFormat::kText:
      formatTextTable(records, options, registry, out);
      return;
    case SocketFormat::kCsv:
      formatCsv(records, options, registry, out);
      return;
    case SocketFormat::kNdjson:
      for (const SocketRecord& r : records) {
        appendRecordJson(out, r, options, registry);
        out += '\n';
        if (options.flush && out.size() >= FormatOptions::kFlushBytes) options.flush(out);
      }
      return;
    case SocketFormat::kJson:
      out += R"({"sockets":[)";
      for (std::size_t i = 0; i < records.size(); ++i) {
        out += i == 0 ? "\n" : ",\n";
        appendRecordJson(out, records[i], options, registry);
        if (options.flush && out.size() >= FormatOptions::kFlushBytes) options.flush(out);
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
