#include "cli/policy_command.h"

#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <system_error>

#include "cli/policy_files.h"
#include "core/clock.h"
#include "core/error.h"
#include "output/time_format.h"
#include "policy/policy_writer.h"

namespace portlens::cli {
namespace {

struct InitOptions {
  std::vector<std::string> from;
  bool local = false;
  std::string output_file;
};

void runCheck(const std::string& path) {
  const policy::PortPolicy policy = loadPolicy(path, false);
  std::size_t entries = 0;
  std::size_t expired = 0;
  core::SystemClock clock;
  const auto today = policy::utcDay(clock.wallNow());
  for (const auto& host : policy.hosts) {
    entries += host.ports.size();
    for (const auto& entry : host.ports) {
      if (!entry.expiredOn(today)) continue;
      ++expired;
      std::cerr << fmt::format("portlens: {}:{}:{}: entry for port {} expired\n", path,
                               entry.position.line, entry.position.column, entry.portsText());
    }
  }
  std::cout << fmt::format("{}: valid, {} host entries, {} port entries{}\n", path,
                           policy.hosts.size(), entries,
                           expired == 0 ? "" : fmt::format(" ({} expired)", expired));
}

std::vector<policy::DraftHost> draftFromResults(const std::vector<std::string>& paths) {
  std::vector<results::ScanResult> read;
  read.reserve(paths.size());
  for (const auto& path : paths) read.push_back(loadResult(path));
  const results::ScanResult merged = results::mergeResults(std::move(read));
  std::vector<policy::DraftHost> hosts;
  for (const scan::PortRecord& record : merged.ports) {
    if (record.state != scan::PortState::kOpen) continue;
    if (hosts.empty() || hosts.back().ip != record.ip) {
      hosts.emplace_back();
      hosts.back().ip = record.ip;
      hosts.back().hostname = record.hostname;
    }
    policy::DraftPort port;
    port.port = record.port;
    // Only a service that -sV named: a guess from the port table would turn into a
    // service_mismatch at the first audit with -sV.
    if (record.service && record.service->method == scan::ServiceMethod::kProbed) {
      port.service = record.service->name;
      if (record.service->ssl_tunnel) port.tunnel = "ssl";
    }
    hosts.back().ports.push_back(std::move(port));
  }
  return hosts;
}

std::vector<policy::DraftHost> draftFromListeners() {
  std::map<std::uint16_t, std::string> by_port;  // one entry per port, whatever the address
  for (const auto& listener : readListeners(true)) {
    auto& process = by_port[listener.port];
    if (process.empty() && listener.process) process = listener.process->name;
  }
  policy::DraftHost local;
  local.local = true;
  for (const auto& [port, process] : by_port) local.ports.push_back({port, "", "", process});
  return {local};
}

void runInit(const InitOptions& options, const std::string& command_line) {
  if (options.local == !options.from.empty()) {
    throw core::UsageError("policy init needs either --from FILE or --local");
  }
  const auto hosts = options.local ? draftFromListeners() : draftFromResults(options.from);
  core::SystemClock clock;
  const std::string header = fmt::format(
      "Draft port policy: {} on {}. Fill in owner and purpose; remove what should not be open.",
      command_line, output::iso8601Utc(clock.wallNow()));
  const std::string text = policy::writeDraftPolicy(hosts, header);
  if (options.output_file.empty()) {
    std::cout << text;
    std::cout.flush();
    return;
  }
  std::ofstream out(options.output_file, std::ios::out | std::ios::trunc);
  if (!out) throw core::UsageError("cannot write output file '" + options.output_file + "'");
  out << text;
  out.flush();
  if (!out) throw std::system_error(errno, std::generic_category(), "writing the policy");
}

}  // namespace

void addPolicyCommand(CLI::App& app, CommandContext& context) {
  CLI::App* cmd = app.add_subcommand("policy", "Port policies: check one, or draft one");
  cmd->require_subcommand(1);

  auto check_file = std::make_shared<std::string>();
  CLI::App* check = cmd->add_subcommand("check", "Validate a port policy (YAML)");
  check->add_option("file", *check_file, "The policy file")->required();
  check->callback([check_file] { runCheck(*check_file); });

  auto init = std::make_shared<InitOptions>();
  CLI::App* init_cmd = cmd->add_subcommand(
      "init", "Draft a policy listing every open port of scan results, or this machine's");
  init_cmd->add_option("--from", init->from, "A scan result: NDJSON, JSON or nmap XML (repeat)");
  init_cmd->add_flag("--local", init->local, "This machine's listening sockets");
  init_cmd->add_option("-o,--output", init->output_file, "Write the policy to FILE");
  init_cmd->callback([init, &context] { runInit(*init, context.command_line); });
}

}  // namespace portlens::cli
