// The one scan path of the CLI, shared by `portlens scan` and `portlens audit` (which scans
// exactly as `scan` does, then audits the records): the shared scan options, the scan type
// choice and checks, and the run through scan/launcher.h with its order of privileged steps.
// Called on the main thread by the commands' callbacks.
#pragma once

#include <CLI/CLI.hpp>
#include <set>
#include <string>

#include "cli/scan_options.h"
#include "core/clock.h"
#include "core/port_set.h"
#include "core/target_set.h"
#include "output/formatter.h"
#include "scan/launcher.h"

namespace portlens::cli {

// Registers what every scanning command takes: targets, -iL, --exclude*, -p, --top-ports,
// --port-ranking, --syn/--connect and their SYN options, --io, -R/-n, -q, -v, timing, and
// -sV with its knobs. `scan` adds its output, --states, --shard, --resume and --dry-run.
void addScanOptions(CLI::App& command, ScanOptions& options);

struct ScanPlan {
  scan::ScanType type = scan::ScanType::kConnect;
  scan::ScanRequest request;
};

// --syn/--connect or the privilege-based default (said on stderr unless -q), the SYN size
// guard rail or the refusal of SYN-only options, and the typed request. Throws
// core::UsageError naming the bad option.
ScanPlan planScan(const ScanOptions& options, const core::TargetSet& targets,
                  const core::PortSet& ports);

// Runs the planned scan into `formatter` (begin, the ports whose state is in `shown`, hosts,
// end): prepares it while privileged, opens the --resume file, drops privileges, names hosts
// (-R), installs the stop signal (Ctrl-C ends the scan cleanly). Returns the summary;
// `summary.interrupted` after Ctrl-C.
scan::ScanSummary runPlannedScan(const ScanOptions& options, const ScanPlan& plan,
                                 core::TargetSet& targets, const core::PortSet& ports,
                                 const std::string& command_line, output::Formatter& formatter,
                                 const std::set<scan::PortState>& shown, core::Clock& clock);

}  // namespace portlens::cli
