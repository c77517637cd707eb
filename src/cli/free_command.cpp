#include "cli/free_command.h"

#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <memory>
#include <tuple>
#include <utility>

#include "cli/local_ports.h"
#include "core/error.h"
#include "sockets/socket_json.h"

namespace portlens::cli {
namespace {

std::uint16_t parseRangePort(std::string_view text, const std::string& whole) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 1 ||
      value > 65535) {
    throw core::UsageError("--range: '" + whole + "' is not A-B with ports 1-65535");
  }
  return static_cast<std::uint16_t>(value);
}

std::pair<std::uint16_t, std::uint16_t> parseRange(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos)
    throw core::UsageError("--range: expected A-B, got '" + text + "'");
  const auto first = parseRangePort(std::string_view(text).substr(0, dash), text);
  const auto last = parseRangePort(std::string_view(text).substr(dash + 1), text);
  if (first > last) throw core::UsageError("--range: '" + text + "' is empty (A > B)");
  return {first, last};
}

int runFree(const FreeRequest& request) {
  const auto [first, last] = std::pair(request.first, request.last);
  enterNetnsIfAny(request.netns);
  const registry::PortRegistry& registry = registry::PortRegistry::builtin();
  const registry::EphemeralRange ephemeral = ephemeralRangeOrDefault();
  std::vector<bool> excluded(65536, false);
  for (const auto& [a, b] : reservedPorts()) {
    for (unsigned p = a; p <= b; ++p) excluded[p] = true;
  }
  sockets::TableOptions table_options;
  table_options.states = sockets::kAllStates;
  const sockets::Table table = sockets::readTable(table_options, sockets::Filter{});
  for (const auto& r : table.records) excluded[r.local_port] = true;

  std::vector<std::uint16_t> found;
  for (unsigned p = first; p <= last && found.size() < request.count; ++p) {
    const auto port = static_cast<std::uint16_t>(p);
    if (excluded[p] || ephemeral.contains(port) || !registry.serviceName(port).empty()) continue;
    if (bindProbe(port) == 0) found.push_back(port);
  }
  std::string out;
  if (request.json) {
    out = sockets::jsonDocument(found);
  } else {
    for (const std::uint16_t port : found) out += fmt::format("{}\n", port);
  }
  std::cout << out << std::flush;
  printNotes(table.notes);
  if (found.size() < request.count) {
    std::cerr << fmt::format("portlens: only {} of {} free ports in {}-{}\n", found.size(),
                             request.count, first, last);
    return core::kExitNotFound;
  }
  return core::kExitOk;
}

}  // namespace

FreeRequest buildFreeRequest(const FreeOptions& options) {
  FreeRequest request;
  std::tie(request.first, request.last) = parseRange(options.range);
  if (options.count < 1 || options.count > 65535) {
    throw core::UsageError("--count must be between 1 and 65535");
  }
  request.count = options.count;
  request.json = options.format == "json";
  request.netns = options.netns;
  return request;
}

void addFreeOptions(CLI::App& command, FreeOptions& options) {
  command.add_option("--range", options.range, "Ports to pick from, A-B")->capture_default_str();
  command.add_option("--count", options.count, "How many ports")->capture_default_str();
  command.add_option("--format", options.format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  addNetnsOption(command, options.netns);
}

void addFreeCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<FreeOptions>();
  CLI::App* command = app.add_subcommand(
      "free", "TCP ports that can be bound now (outside the ephemeral range, unregistered)");
  addFreeOptions(*command, *options);
  command->callback(
      [options, &context] { context.exit_code = runFree(buildFreeRequest(*options)); });
}

}  // namespace portlens::cli
