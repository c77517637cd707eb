#include "cli/check_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <system_error>

#include "cli/local_ports.h"
#include "core/error.h"
#include "sockets/socket_format.h"

namespace portlens::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> ports;
  std::string format = "text";
  std::string netns;
};

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

int runCheck(const CheckOptions& options) {
  const registry::PortRegistry& registry = registry::PortRegistry::builtin();
  const std::vector<std::uint16_t> ports = resolvePortArguments(options.ports, registry);
  enterNetnsIfAny(options.netns);
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
  std::string out = options.format == "json" ? "[" : "";
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const Verdict& v = verdicts[i];
    all_free = all_free && v.free;
    if (options.format == "json") {
      fmt::format_to(std::back_inserter(out), R"({}{{"port":{},"free":{},"holders":[)",
                     i ? ",\n" : "\n", v.port, v.free);
      for (std::size_t h = 0; h < v.holders.size(); ++h) {
        if (h) out += ',';
        sockets::appendJsonString(out, v.holders[h]);
      }
      out += R"(],"notes":[)";
      for (std::size_t n = 0; n < v.notes.size(); ++n) {
        if (n) out += ',';
        sockets::appendJsonString(out, v.notes[n]);
      }
      out += "]}";
      continue;
    }
    const std::string_view service = registry.serviceName(v.port);
    fmt::format_to(std::back_inserter(out), "{} ({}): {}\n", v.port,
                   service.empty() ? "-" : service, v.free ? "free" : "CONFLICT");
    for (const std::string& holder : v.holders) out += "  held: " + holder + '\n';
    for (const std::string& note : v.notes) out += "  note: " + note + '\n';
  }
  if (options.format == "json") out += "\n]\n";
  std::cout << out << std::flush;
  printNotes(table.notes);
  return all_free ? core::kExitOk : core::kExitNotFound;
}

}  // namespace

void addCheckCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command =
      app.add_subcommand("check", "Whether local TCP ports can be bound now, and who holds them");
  command->add_option("PORT", options->ports, "Port numbers or service names")->required();
  command->add_option("--format", options->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  addNetnsOption(*command, options->netns);
  command->callback([options, &context] { context.exit_code = runCheck(*options); });
}

}  // namespace portlens::cli
