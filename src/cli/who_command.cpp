#include "cli/who_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/local_ports.h"
#include "core/error.h"
#include "sockets/socket_format.h"
#include "sockets/socket_json.h"

namespace portlens::cli {
namespace {

// {"state":"listening","local":"0.0.0.0:8080","peer":"0.0.0.0:0","processes":[...]}
sockets::Json holderJson(const sockets::SocketRecord& r) {
  sockets::Json json = sockets::Json::object();
  json["state"] = sockets::toString(r.state);
  json["local"] = sockets::endpointText(r.local, r.local_port);
  json["peer"] = sockets::endpointText(r.peer, r.peer_port);
  json["processes"] = sockets::processesJson(r);
  return json;
}

// "  LISTEN     0.0.0.0:8080   0.0.0.0:*   python3/812 (python3 helper.py)"
void appendHolderText(std::string& out, const sockets::SocketRecord& r) {
  fmt::format_to(std::back_inserter(out), "  {:<10} {:<28} {:<28} ",
                 sockets::toColumnString(r.state), sockets::endpointText(r.local, r.local_port),
                 sockets::peerText(r));
  sockets::appendProcessesText(out, r, sockets::CommandLines::kInclude);
  out += '\n';
}

int runWho(const PortsRequest& request, const registry::PortRegistry& registry) {
  const std::vector<std::uint16_t>& ports = request.ports;
  enterNetnsIfAny(request.netns);
  sockets::TableOptions table_options;
  table_options.states = sockets::kAllStates;
  table_options.processes = true;
  const sockets::Table table = sockets::readTable(table_options, localPortFilter(ports));

  bool any = false;
  std::string text;
  sockets::Json json = sockets::Json::array();
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const std::uint16_t port = ports[i];
    const std::string_view service = registry.serviceName(port);
    const std::string_view range = registry::toString(registry::rangeOf(port));
    std::vector<const sockets::SocketRecord*> holders;
    for (const auto& r : table.records) {
      if (r.local_port == port) holders.push_back(&r);
    }
    any = any || !holders.empty();
    if (request.json) {
      sockets::Json holders_json = sockets::Json::array();
      for (const auto* r : holders) holders_json.push_back(holderJson(*r));
      json.push_back({{"port", port},
                      {"service", service},
                      {"range", range},
                      {"holders", std::move(holders_json)}});
      continue;
    }
    fmt::format_to(std::back_inserter(text), "{}{} ({}, {}): {}\n", i ? "\n" : "", port,
                   service.empty() ? "-" : service, range,
                   holders.empty() ? "not held" : fmt::format("{} sockets", holders.size()));
    for (const auto* r : holders) appendHolderText(text, *r);
  }
  std::cout << (request.json ? sockets::jsonDocument(json) : text) << std::flush;
  printNotes(table.notes);
  return any ? core::kExitOk : core::kExitNotFound;
}

}  // namespace

void addWhoCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<PortsOptions>();
  CLI::App* command =
      app.add_subcommand("who", "Which processes hold local TCP ports (listening or connected)");
  addPortsOptions(*command, *options);
  command->callback([options, &context] {
    const registry::PortRegistry& registry = registry::PortRegistry::builtin();
    context.exit_code = runWho(buildPortsRequest(*options, registry), registry);
  });
}

}  // namespace portlens::cli
