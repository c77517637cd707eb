#include "cli/check_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <system_error>

#include "cli/local_ports.h"
#include "core/error.h"
#include "sockets/socket_format.h"
#include "sockets/socket_json.h"

namespace portlens::cli {
namespace {

struct Verdict {
  std::uint16_t port = 0;
  bool free = true;
  std::vector<std::string> holders;  // "LISTEN 0.0.0.0:80 nginx/812"
  std::vector<std::string> notes;
};

bool inRanges(const sockets::PortRanges& ranges, std::uint16_t port) {
  for (const auto& [first, last] : ranges) {
    if (first <= port && port <= last) return true;
  }
  return false;
}

int runCheck(const PortsRequest& request, const registry::PortRegistry& registry) {
  const std::vector<std::uint16_t>& ports = request.ports;
  enterNetnsIfAny(request.netns);
  const registry::EphemeralRange ephemeral = ephemeralRangeOrDefault();
  const sockets::PortRanges reserved = reservedPorts();
  sockets::TableOptions table_options;
  table_options.states = sockets::kAllStates;
  table_options.processes = true;
  const sockets::Table table = sockets::readTable(table_options, localPortFilter(ports));

  std::vector<Verdict> verdicts;
  for (const std::uint16_t port : ports) {
    Verdict verdict;
    verdict.port = port;
    for (const auto& r : table.records) {
      if (r.local_port != port) continue;
      verdict.free = false;
      verdict.holders.push_back(fmt::format("{} {} {}", sockets::toColumnString(r.state),
                                            sockets::endpointText(r.local, r.local_port),
                                            sockets::processesText(r)));
    }
    if (verdict.free) {
      if (const int error = bindProbe(port); error != 0) {
        verdict.free = false;
        verdict.notes.push_back(
            fmt::format("bind() fails: {}", std::generic_category().message(error)));
      }
    }
    if (ephemeral.contains(port)) {
      verdict.notes.push_back(
          fmt::format("in the ephemeral range {}-{}: an outgoing connection may take it",
                      ephemeral.first, ephemeral.last));
    }
    if (inRanges(reserved, port)) verdict.notes.push_back("listed in ip_local_reserved_ports");
    verdicts.push_back(std::move(verdict));
  }

  bool all_free = true;
  std::string text;
  sockets::Json json = sockets::Json::array();
  for (const Verdict& v : verdicts) {
    all_free = all_free && v.free;
    if (request.json) {
      json.push_back(
          {{"port", v.port}, {"free", v.free}, {"holders", v.holders}, {"notes", v.notes}});
      continue;
    }
    const std::string_view service = registry.serviceName(v.port);
    fmt::format_to(std::back_inserter(text), "{} ({}): {}\n", v.port,
                   service.empty() ? "-" : service, v.free ? "free" : "CONFLICT");
    for (const std::string& holder : v.holders) text += "  held: " + holder + '\n';
    for (const std::string& note : v.notes) text += "  note: " + note + '\n';
  }
  std::cout << (request.json ? sockets::jsonDocument(json) : text) << std::flush;
  printNotes(table.notes);
  return all_free ? core::kExitOk : core::kExitNotFound;
}

}  // namespace

void addCheckCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<PortsOptions>();
  CLI::App* command =
      app.add_subcommand("check", "Whether local TCP ports can be bound now, and who holds them");
  addPortsOptions(*command, *options);
  command->callback([options, &context] {
    const registry::PortRegistry& registry = registry::PortRegistry::builtin();
    context.exit_code = runCheck(buildPortsRequest(*options, registry), registry);
  });
}

}  // namespace portlens::cli
