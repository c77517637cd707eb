#include "cli/who_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/local_ports.h"
#include "core/error.h"
#include "sockets/socket_format.h"

namespace portlens::cli {
namespace {

struct WhoOptions {
  std::vector<std::string> ports;
  std::string format = "text";
  std::string netns;
};

// Command lines may hold newlines and other control bytes: one line per holder in text.
std::string printable(std::string_view text) {
  std::string out;
  sockets::appendPrintable(out, text);
  return out;
}

// "0.0.0.0:*" for a listener's missing peer, as in `portlens sockets`.
std::string peerText(const sockets::SocketRecord& r) {
  if (r.state == sockets::TcpState::kListen && r.peer_port == 0) {
    return r.peer.isV4() ? "0.0.0.0:*" : "[::]:*";
  }
  return sockets::endpointText(r.peer, r.peer_port);
}

void appendHolderJson(std::string& out, const sockets::SocketRecord& r) {
  fmt::format_to(std::back_inserter(out),
                 R"({{"state":"{}","local":"{}","peer":"{}","processes":[)",
                 sockets::toString(r.state), sockets::endpointText(r.local, r.local_port),
                 sockets::endpointText(r.peer, r.peer_port));
  for (std::size_t i = 0; i < r.processes.size(); ++i) {
    fmt::format_to(std::back_inserter(out), R"({}{{"pid":{},"name":)", i ? "," : "",
                   r.processes[i].pid);
    sockets::appendJsonString(out, r.processes[i].name);
    out += R"(,"cmdline":)";
    sockets::appendJsonString(out, r.processes[i].cmdline);
    out += '}';
  }
  out += "]}";
}

int runWho(const WhoOptions& options) {
  const registry::PortRegistry& registry = registry::PortRegistry::builtin();
  const std::vector<std::uint16_t> ports = resolvePortArguments(options.ports, registry);
  enterNetnsIfAny(options.netns);
  sockets::TableOptions table_options;
  table_options.states = sockets::kAllStates;
  table_options.processes = true;
  const sockets::Table table = sockets::readTable(table_options, localPortFilter(ports));

  bool any = false;
  std::string out = options.format == "json" ? "[" : "";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const std::uint16_t port = ports[i];
    const std::string_view service = registry.serviceName(port);
    const std::string_view range = registry::toString(registry::rangeOf(port));
    std::vector<const sockets::SocketRecord*> holders;
    for (const auto& r : table.records) {
      if (r.local_port == port) holders.push_back(&r);
    }
    any = any || !holders.empty();
    if (options.format == "json") {
      fmt::format_to(std::back_inserter(out), R"({}{{"port":{},"service":)", i ? ",\n" : "\n",
                     port);
      sockets::appendJsonString(out, service);
      fmt::format_to(std::back_inserter(out), R"(,"range":"{}","holders":[)", range);
      for (std::size_t h = 0; h < holders.size(); ++h) {
        if (h) out += ',';
        appendHolderJson(out, *holders[h]);
      }
      out += "]}";
      continue;
    }
    fmt::format_to(std::back_inserter(out), "{}{} ({}, {}): {}\n", i ? "\n" : "", port,
                   service.empty() ? "-" : service, range,
                   holders.empty() ? "not held" : fmt::format("{} sockets", holders.size()));
    for (const auto* r : holders) {
      fmt::format_to(std::back_inserter(out), "  {:<10} {:<28} {:<28} ",
                     sockets::toColumnString(r->state),
                     sockets::endpointText(r->local, r->local_port), peerText(*r));
      if (r->processes.empty()) out += "-";
      for (std::size_t p = 0; p < r->processes.size(); ++p) {
        fmt::format_to(std::back_inserter(out), "{}{}/{} ({})", p ? ", " : "",
                       printable(r->processes[p].name), r->processes[p].pid,
                       printable(r->processes[p].cmdline));
      }
      out += '\n';
    }
  }
  if (options.format == "json") out += "\n]\n";
  std::cout << out << std::flush;
  printNotes(table.notes);
  return any ? core::kExitOk : core::kExitNotFound;
}

}  // namespace

void addWhoCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<WhoOptions>();
  CLI::App* command =
      app.add_subcommand("who", "Which processes hold local TCP ports (listening or connected)");
  command->add_option("PORT", options->ports, "Port numbers or service names")->required();
  command->add_option("--format", options->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  addNetnsOption(*command, options->netns);
  command->callback([options, &context] { context.exit_code = runWho(*options); });
}

}  // namespace portlens::cli
