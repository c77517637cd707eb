// The SYN half of `portlens scan`: checks the guard rails, resolves routes, opens the raw
// sockets, drops privileges, runs the stateless engine and handles --dry-run, --shard and
// --resume. Called by scan_command.cpp on the main thread, before any other thread exists.
#pragma once

#include <functional>
#include <iosfwd>

#include "cli/command_context.h"
#include "cli/scan_options.h"
#include "cli/scan_reporter.h"
#include "core/clock.h"
#include "core/port_set.h"
#include "core/target_set.h"
#include "output/formatter.h"
#include "scan/scan_config.h"

namespace portlens::cli {

// Refuses a scan of more than a /8 worth of hosts that has no exclude list.
void checkSynScanSize(const ScanOptions& options, const core::TargetSet& targets,
                      const core::PortSet& ports);

// Prints the probes of this shard's first round (position, target, ports, cookie) to `out`
// without opening a raw socket or sending anything.
void printDryRun(const ScanOptions& options, const scan::ScanConfig& config,
                 const core::TargetSet& targets, const core::PortSet& ports, core::Clock& clock,
                 std::ostream& out);

struct SynRunInput {
  const ScanOptions& options;
  const scan::ScanConfig& config;
  const core::TargetSet& targets;
  const core::PortSet& ports;
  const scan::ScanInfo& info;
  core::Clock& clock;
  // Runs once privileges are dropped, before the scan: work that reads from the network
  // outside the scan (reverse lookups for -R) must not run with them.
  std::function<void()> after_privilege_drop;
};

// Prepares everything (a refusal throws before any output), calls formatter.begin(), runs the
// scan and returns its summary; writes/clears the --resume file.
scan::ScanSummary runSynScanCommand(const SynRunInput& input, output::Formatter& formatter,
                                    const std::set<scan::PortState>& shown);

}  // namespace portlens::cli
