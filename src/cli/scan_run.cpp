#include "cli/scan_run.h"

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

#include "cli/scan_reporter.h"
#include "cli/signals.h"
#include "cli/syn_scan.h"
#include "core/error.h"
#include "net/privileges.h"
#include "net/reverse_names.h"

namespace portlens::cli {
namespace {

// --syn or --connect as asked; otherwise SYN whenever raw sockets can be opened. The choice
// is said on stderr when the user did not make it.
scan::ScanType chooseScanType(const ScanOptions& options) {
  if (options.syn && options.connect)
    throw core::UsageError("--syn and --connect exclude each other");
  if (options.dry_run && options.connect)
    throw core::UsageError("--dry-run lists SYN probes; drop --connect");
  std::optional<scan::ScanType> requested;
  if (options.syn || options.dry_run) requested = scan::ScanType::kSyn;
  if (options.connect) requested = scan::ScanType::kConnect;
  if (requested) return *requested;
  const scan::ScanType chosen = scan::chooseScanType(std::nullopt, net::canOpenRawSockets());
  if (!options.quiet) {
    std::cerr << (chosen == scan::ScanType::kSyn
                      ? "portlens: SYN scan (raw sockets available; --connect for a connect "
                        "scan)\n"
                      : "portlens: connect scan (no raw-socket privilege; run as root or with "
                        "CAP_NET_RAW for a SYN scan)\n");
  }
  return chosen;
}

// -R: reverse names for up to 4,096 targets, within 3 s (nmap resolves hosts it found up; a
// sweep of a large block would wait on the resolver for nothing). The user hears
// when the set is too large for it.
void nameByReverseDns(core::TargetSet& targets, bool quiet) {
  net::ReverseLookupLimits limits;
  limits.max_addresses = 4096;
  limits.parallel = 32;
  limits.deadline = std::chrono::seconds(3);
  if (targets.size() > limits.max_addresses && !quiet) {
    std::cerr << fmt::format("portlens: -R looks up at most {} hosts; {} targets, skipped\n",
                             limits.max_addresses, targets.size());
  }
  net::nameTargetsByReverseLookup(targets, limits);
}

void checkConnectOnlyOptions(const ScanOptions& options) {
  if (!options.shard.empty() || !options.resume_file.empty() || !options.interface.empty() ||
      !options.source_ips.empty() || options.source_port || !options.router_mac.empty()) {
    throw core::UsageError(
        "--shard, --resume, --interface, --source-ip, --source-port and --router-mac need a "
        "SYN scan (--syn)");
  }
}

}  // namespace

ScanPlan planScan(const ScanOptions& options, const core::TargetSet& targets,
                  const core::PortSet& ports) {
  ScanPlan plan;
  plan.type = chooseScanType(options);
  if (plan.type == scan::ScanType::kSyn) {
    checkSynScanSize(options, targets, ports);
  } else {
    checkConnectOnlyOptions(options);
  }
  plan.request = makeScanRequest(options, plan.type);
  return plan;
}

scan::ScanSummary runPlannedScan(const ScanOptions& options, const ScanPlan& plan,
                                 core::TargetSet& targets, const core::PortSet& ports,
                                 const std::string& command_line, output::Formatter& formatter,
                                 const std::set<scan::PortState>& shown, core::Clock& clock) {
  const scan::ScanRequest& request = plan.request;
  scan::ScanInfo info;
  info.command_line = command_line;
  info.version = PORTLENS_VERSION;
  info.type = plan.type;
  info.ports_spec = ports.toString();
  info.port_count = ports.size();
  info.host_count = targets.size();
  info.service_detection = request.service_detection.has_value();
  info.started = clock.wallNow();

  // Sockets first (raw ones need the privileges), and the resume file while it can still be
  // created; then, for SYN scans, every privilege goes before a received byte is parsed.
  scan::PreparedScan prepared = scan::prepareScan(request, targets, ports, clock);
  for (const auto& warning : prepared.detectionWarnings()) {
    std::cerr << "portlens: warning: " << warning << '\n';
  }
  std::optional<SynResumeFile> resume;
  if (const scan::syn::SynPlan* syn_plan = prepared.synPlan()) {
    resume.emplace(options.resume_file,
                   scan::syn::fingerprintOf(request.seed, syn_plan->shard, targets, ports));
    net::dropPrivileges();
  }
  // Reverse lookups, and -sV's prober (its thread starts in run()), read network answers
  // too: only after the drop.
  if (options.reverse_dns) nameByReverseDns(targets, options.quiet);

  StopSignal stop;        // after the drop: its thread must not keep any capability either
  formatter.begin(info);  // only now: every refusal above leaves no half-written output
  ScanReporter reporter(formatter, shown, !options.quiet && isatty(STDERR_FILENO) == 1);
  const auto outcome = prepared.run(reporter, stop.flag(), resume ? resume->point() : nullptr);
  reporter.clearProgress();
  if (outcome.syn) {
    if (options.verbose) printSynStatistics(*outcome.syn);
    resume->finish(*outcome.syn, options.quiet);
  }
  formatter.end(outcome.summary);
  return outcome.summary;
}

void addScanOptions(CLI::App& command, ScanOptions& options) {
  CLI::App* cmd = &command;
  cmd->add_option("targets", options.targets,
                  "Hosts: 198.18.0.7, 2001:2::7, 198.18.0.0/16, 198.18.0-3.1-254, names");
  cmd->add_option("--input-list", options.input_list, "Read targets from FILE (nmap: -iL)");
  cmd->add_option("--exclude", options.exclude, "Comma-separated targets to skip");
  cmd->add_option("--exclude-file", options.exclude_file, "Read targets to skip from FILE");
  cmd->add_option("-p,--ports", options.ports,
                  "Ports: 22,80,443  1-1024  -  http,ssh  (default: top 1000)");
  cmd->add_option("--top-ports", options.top_ports, "Scan the N most common ports");
  cmd->add_option("--port-ranking", options.port_ranking,
                  "Ranking for --top-ports: builtin, or nmap (installed nmap-services)")
      ->check(CLI::IsMember({"builtin", "nmap"}));
  cmd->add_flag("--syn", options.syn,
                "Raw TCP SYN scan (the default when raw sockets can be opened)");
  cmd->add_flag("--connect", options.connect, "TCP connect scan (needs no privileges)");
  cmd->add_option("--interface", options.interface, "SYN: send and receive on this interface");
  cmd->add_option("--source-ip", options.source_ips,
                  "SYN: source address (once per address family)");
  cmd->add_option("--source-port", options.source_port, "SYN: use this one source port");
  cmd->add_option("--router-mac", options.router_mac, "SYN: next hop MAC (aa:bb:cc:dd:ee:ff)");
  cmd->add_option("--io", options.io, "Connect-scan I/O: auto (io_uring, else epoll), epoll, uring")
      ->check(CLI::IsMember({"auto", "epoll", "uring"}))
      ->capture_default_str();
  auto* reverse = cmd->add_flag("-R,--reverse-dns", options.reverse_dns,
                                "Name address targets by reverse DNS / hosts file (<= 4096 hosts)");
  cmd->add_flag("-n,--no-dns", options.no_dns, "No reverse lookups (the default)")
      ->excludes(reverse);
  cmd->add_flag("-q,--quiet", options.quiet, "No progress line on stderr");
  cmd->add_flag("-v,--verbose", options.verbose, "Engine statistics on stderr at the end");
  cmd->add_option("--seed", options.seed, "Seed of the random scan order");
  cmd->add_option("--max-retries", options.max_retries,
                  "Extra probes for a silent port (connect: 4; SYN: up to 10, as loss needs)");
  cmd->add_option("--rate", options.rate, "At most this many probes per second");
  cmd->add_option("--max-parallel", options.max_parallel, "Probes in flight at most");
  cmd->add_option("--min-rtt-timeout", options.min_rtt_timeout_ms, "Probe timeout floor, ms")
      ->capture_default_str();
  cmd->add_option("--max-rtt-timeout", options.max_rtt_timeout_ms, "Probe timeout ceiling, ms")
      ->capture_default_str();
  cmd->add_option("--initial-rtt-timeout", options.initial_rtt_timeout_ms,
                  "Probe timeout before any RTT is measured, ms")
      ->capture_default_str();
  cmd->add_flag("--service-detection", options.service_detection,
                "Identify the service and version on open ports (nmap: -sV)");
  cmd->add_option("--version-intensity", options.version_intensity,
                  "-sV: probes up to this rarity, 0-9 (default 7)");
  cmd->add_flag("--version-light", options.version_light, "-sV: --version-intensity 2");
  cmd->add_flag("--version-all", options.version_all, "-sV: --version-intensity 9");
  cmd->add_option("--service-probes", options.service_probes,
                  "-sV: read probes from FILE (nmap-service-probes format) instead of ours");
}

}  // namespace portlens::cli
