#include "cli/ephemeral_command.h"

#include <iostream>
#include <memory>

#include "cli/local_ports.h"
#include "core/error.h"

namespace portlens::cli {
namespace {

int runEphemeral(const EphemeralRequest& request) {
  enterNetnsIfAny(request.netns);
  const registry::EphemeralRange range = ephemeralRangeOrDefault();
  const sockets::PortRanges reserved = reservedPorts();
  sockets::TableOptions table_options;
  table_options.states = sockets::kAllStates & ~sockets::stateBit(sockets::TcpState::kListen);
  const sockets::Table table = sockets::readTable(table_options, sockets::Filter{});
  const sockets::EphemeralUsage usage =
      sockets::computeEphemeralUsage(table.records, range, reserved);
  std::cout << (request.json ? sockets::renderEphemeralJson(usage, request.top)
                             : sockets::renderEphemeralText(usage, request.top))
            << std::flush;
  printNotes(table.notes);
  return core::kExitOk;
}

}  // namespace

EphemeralRequest buildEphemeralRequest(const EphemeralOptions& options) {
  return {options.top, options.format == "json", options.netns};
}

void addEphemeralOptions(CLI::App& command, EphemeralOptions& options) {
  command.add_option("--top", options.top, "Destinations to list")->capture_default_str();
  command.add_option("--format", options.format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  addNetnsOption(command, options.netns);
}

void addEphemeralCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<EphemeralOptions>();
  CLI::App* command = app.add_subcommand(
      "ephemeral", "Ephemeral port range, usage per destination, exhaustion warnings");
  addEphemeralOptions(*command, *options);
  command->callback(
      [options, &context] { context.exit_code = runEphemeral(buildEphemeralRequest(*options)); });
}

}  // namespace portlens::cli
