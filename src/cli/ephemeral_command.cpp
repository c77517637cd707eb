#include "cli/ephemeral_command.h"

#include <iostream>
#include <memory>

#include "cli/local_ports.h"
#include "core/error.h"

namespace portlens::cli {
namespace {

struct EphemeralOptions {
  std::size_t top = 10;
  std::string format = "text";
  std::string netns;
};

int runEphemeral(const EphemeralOptions& options) {
  enterNetnsIfAny(options.netns);
  const registry::EphemeralRange range = ephemeralRangeOrDefault();
  const sockets::PortRanges reserved = reservedPorts();
  sockets::TableOptions table_options;
  table_options.states = sockets::kAllStates & ~sockets::stateBit(sockets::TcpState::kListen);
  const sockets::Table table = sockets::readTable(table_options, sockets::Filter{});
  const sockets::EphemeralUsage usage =
      sockets::computeEphemeralUsage(table.records, range, reserved);
  std::cout << (options.format == "json" ? sockets::renderEphemeralJson(usage, options.top)
                                         : sockets::renderEphemeralText(usage, options.top))
            << std::flush;
  printNotes(table.notes);
  return core::kExitOk;
}

}  // namespace

void addEphemeralCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<EphemeralOptions>();
  CLI::App* command = app.add_subcommand(
      "ephemeral", "Ephemeral port range, usage per destination, exhaustion warnings");
  command->add_option("--top", options->top, "Destinations to list")->capture_default_str();
  command->add_option("--format", options->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  addNetnsOption(*command, options->netns);
  command->callback([options, &context] { context.exit_code = runEphemeral(*options); });
}

}  // namespace portlens::cli
