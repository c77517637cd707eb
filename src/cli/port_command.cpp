#include "cli/port_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/local_ports.h"
#include "core/error.h"
#include "registry/ephemeral_range.h"
#include "registry/port_explanation.h"
#include "registry/port_query.h"
#include "registry/port_registry.h"

namespace portlens::cli {
namespace {

int runPortCommand(const PortRequest& request, std::ostream& out, std::ostream& err) {
  const registry::PortRegistry& ports = registry::PortRegistry::builtin();
  const std::optional<registry::EphemeralRange> ephemeral = ephemeralRange();

  int exit_code = core::kExitOk;
  std::vector<std::uint16_t> seen;
  std::vector<registry::Explanation> explanations;
  for (const registry::PortQuery& query : request.queries) {
    const std::vector<std::uint16_t> resolved = registry::resolvePortQuery(ports, query);
    if (resolved.empty()) {
      err << "portlens: unknown TCP service name '" << query.name << "'\n";
      exit_code = core::kExitNotFound;
      continue;
    }
    for (std::uint16_t port : resolved) {
      if (std::find(seen.begin(), seen.end(), port) != seen.end()) continue;  // "80 http"
      seen.push_back(port);
      explanations.push_back(registry::explainPort(ports, port, ephemeral));
    }
  }

  if (request.json) {
    out << registry::renderJson(explanations);
  } else {
    for (std::size_t i = 0; i < explanations.size(); ++i) {
      out << (i == 0 ? "" : "\n") << registry::renderText(explanations[i]);
    }
  }
  out.flush();
  return exit_code;
}

}  // namespace

PortRequest buildPortRequest(const PortOptions& options) {
  // Every token is checked before anything is printed, so bad input never yields partial
  // output.
  PortRequest request;
  request.queries.reserve(options.tokens.size());
  for (const std::string& token : options.tokens) {
    request.queries.push_back(registry::parsePortQuery(token));
  }
  request.json = options.format == "json";
  return request;
}

void addPortOptions(CLI::App& command, PortOptions& options) {
  command
      .add_option("PORT-OR-NAME", options.tokens,
                  "Port numbers (0-65535) or IANA service names, e.g. 443 https x11")
      ->required();
  command.add_option("--format", options.format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void addPortCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<PortOptions>();
  CLI::App* command = app.add_subcommand(
      "port", "Explain TCP ports: IANA service names, range, ephemeral use, top-ports rank");
  addPortOptions(*command, *options);
  command->callback([options, &context] {
    context.exit_code = runPortCommand(buildPortRequest(*options), std::cout, std::cerr);
  });
}

}  // namespace portlens::cli
