#include "cli/scan_command.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <system_error>

#include "cli/scan_options.h"
#include "cli/scan_run.h"
#include "cli/syn_scan.h"
#include "core/clock.h"
#include "core/error.h"
#include "net/resolver.h"

namespace portlens::cli {
namespace {

void runScanCommand(const ScanOptions& options, CommandContext& context) {
  core::SystemClock clock;  // the scan's one clock (core/clock.h)
  auto registry = registry::PortRegistry::builtin();
  if (options.port_ranking == "nmap" && !registry.loadNmapRanking()) {
    throw core::UsageError("--port-ranking nmap: nmap-services is not installed");
  }
  const core::PortSet ports = resolvePorts(options, registry);
  core::TargetSet targets = resolveTargets(options, net::resolveHostname);
  const ScanPlan plan = planScan(options, targets, ports);

  bool states_explicit = false;
  auto shown = resolveShownStates(options, states_explicit);
  const output::Format format = output::parseFormat(options.format);

  std::ofstream file;
  if (!options.output_file.empty()) {
    file.open(options.output_file, std::ios::out | std::ios::trunc);
    if (!file) throw core::UsageError("cannot write output file '" + options.output_file + "'");
  }
  std::ostream& out = options.output_file.empty() ? std::cout : file;
  if (options.dry_run) {
    printDryRun(plan.request, targets, ports, clock, out);
    out.flush();
    return;
  }

  output::FormatOptions format_options;
  format_options.shown_states = shown;
  format_options.states_explicit = states_explicit;
  auto formatter = output::makeFormatter(format, out, registry, format_options);
  const scan::ScanSummary summary =
      runPlannedScan(options, plan, targets, ports, context.command_line, *formatter, shown, clock);
  out.flush();
  if (!out) throw std::system_error(errno, std::generic_category(), "writing the output");
  context.exit_code = summary.interrupted ? core::kExitInterrupted : core::kExitOk;
}

}  // namespace

void addScanCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<ScanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "scan", "Scan TCP ports of hosts (SYN scan, or connect scan without privileges)");
  addScanOptions(*cmd, *options);
  cmd->add_option("--shard", options->shard, "SYN: scan only shard K of N (K/N)");
  cmd->add_option("--resume", options->resume_file,
                  "SYN: continue from FILE if it holds a paused scan; Ctrl-C writes it");
  cmd->add_flag("--dry-run", options->dry_run,
                "SYN: print the probes this shard would send, send nothing");
  cmd->add_option("--format", options->format, "text, json, ndjson, csv, xml, grep")
      ->check(CLI::IsMember({"text", "json", "ndjson", "csv", "xml", "grep"}));
  cmd->add_option("-o,--output", options->output_file, "Write the output to FILE");
  cmd->add_option("--states", options->states,
                  "Port states to list: open,closed,filtered or all (default open,filtered)");
  cmd->add_flag("--open", options->open_only, "List only open ports");
  cmd->callback([options, &context] { runScanCommand(*options, context); });
}

}  // namespace portlens::cli
