#include "cli/scan_command.h"

#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/scan_options.h"
#include "cli/scan_reporter.h"
#include "cli/signals.h"
#include "cli/syn_scan.h"
#include "core/clock.h"
#include "core/error.h"
#include "net/privileges.h"
#include "net/resolver.h"
#include "net/reverse_names.h"
#include "scan/engine.h"
#include "scan/target_space.h"
#include "scan/transports/epoll_connect_transport.h"
#include "scan/transports/uring_connect_transport.h"

namespace portlens::cli {
namespace {

// Probes in flight when the user does not choose: enough to hide the timeouts of filtered
// ports behind other work; beyond it the kernel's connect path, not waiting, is the limit.
constexpr std::uint32_t kDefaultParallel = 4096;
// Host bookkeeping is ~100 bytes a host; a connect scan of more hosts than this is refused.
constexpr std::uint64_t kMaxConnectHosts = std::uint64_t{1} << 24;

// Raises the soft RLIMIT_NOFILE to the hard limit and returns the usable soft limit.
std::uint64_t raiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

std::uint32_t chooseCapacity(std::uint32_t requested) {
  const std::uint64_t fds = raiseFileLimit();
  const std::uint64_t usable = fds > 128 ? fds - 64 : 64;  // leave room for output files etc.
  std::uint64_t want = requested == 0 ? kDefaultParallel : requested;
  if (requested != 0 && want > usable) {
    throw core::UsageError(
        fmt::format("--max-parallel {} exceeds the open-file limit ({} usable); raise `ulimit -n`",
                    want, usable));
  }
  return static_cast<std::uint32_t>(std::min(want, usable));
}

void checkScanSize(const core::TargetSet& targets, const core::PortSet& ports) {
  const std::uint64_t hosts = targets.size();
  if (hosts > kMaxConnectHosts) {
    throw core::UsageError(fmt::format(
        "{} target hosts is more than a connect scan handles ({}); narrow the targets or use "
        "--exclude",
        hosts, kMaxConnectHosts));
  }
  scan::TargetSpace::checkSize(hosts, ports.size());
}

// io_uring when the kernel allows it (measured faster, docs/architecture.md), else epoll.
std::unique_ptr<scan::Transport> makeTransport(const std::string& io, std::uint32_t capacity,
                                               core::Clock& clock) {
  if (io != "epoll") {
    if (auto uring = scan::UringConnectTransport::create(capacity, clock)) return uring;
    if (io == "uring") throw core::UsageError("--io uring: this kernel refuses io_uring");
  }
  return std::make_unique<scan::EpollConnectTransport>(capacity, clock);
}

// --syn or --connect as asked; otherwise SYN whenever raw sockets can be opened. The choice
// is said on stderr when the user did not make it.
scan::ScanType chooseScanType(const ScanOptions& options) {
  if (options.syn && options.connect)
    throw core::UsageError("--syn and --connect exclude each other");
  if (options.dry_run && options.connect)
    throw core::UsageError("--dry-run lists SYN probes; drop --connect");
  if (options.syn || options.dry_run) return scan::ScanType::kSyn;
  if (options.connect) return scan::ScanType::kConnect;
  const bool raw = net::canOpenRawSockets();
  if (!options.quiet) {
    std::cerr << (raw ? "portlens: SYN scan (raw sockets available; --connect for a connect "
                        "scan)\n"
                      : "portlens: connect scan (no raw-socket privilege; run as root or with "
                        "CAP_NET_RAW for a SYN scan)\n");
  }
  return raw ? scan::ScanType::kSyn : scan::ScanType::kConnect;
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

void runScanCommand(const ScanOptions& options, CommandContext& context) {
  core::SystemClock clock;  // the scan's one clock (core/clock.h)
  auto registry = registry::PortRegistry::builtin();
  if (options.port_ranking == "nmap" && !registry.loadNmapRanking()) {
    throw core::UsageError("--port-ranking nmap: nmap-services is not installed");
  }
  const core::PortSet ports = resolvePorts(options, registry);
  core::TargetSet targets = resolveTargets(options, net::resolveHostname);
  const auto name_targets = [&targets, &options] {
    if (options.reverse_dns) nameByReverseDns(targets, options.quiet);
  };
  const scan::ScanType type = chooseScanType(options);
  if (type == scan::ScanType::kSyn) {
    checkSynScanSize(options, targets, ports);
  } else {
    checkConnectOnlyOptions(options);
    checkScanSize(targets, ports);
  }
  const scan::ScanConfig config = makeScanConfig(options, type);

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
    printDryRun(options, config, targets, ports, clock, out);
    out.flush();
    return;
  }

  output::FormatOptions format_options;
  format_options.shown_states = shown;
  format_options.states_explicit = states_explicit;
  auto formatter = output::makeFormatter(format, out, registry, format_options);

  scan::ScanInfo info;
  info.command_line = context.command_line;
  info.version = PORTLENS_VERSION;
  info.type = type;
  info.ports_spec = ports.toString();
  info.port_count = ports.size();
  info.host_count = targets.size();
  info.started = clock.wallNow();

  scan::ScanSummary summary;
  if (type == scan::ScanType::kSyn) {
    summary = runSynScanCommand({options, config, targets, ports, info, clock, name_targets},
                                *formatter, shown);
  } else {
    const std::uint32_t capacity = chooseCapacity(options.max_parallel);
    std::unique_ptr<scan::Transport> transport = makeTransport(options.io, capacity, clock);
    name_targets();
    StopSignal stop;
    ScanReporter reporter(*formatter, shown, !options.quiet && isatty(STDERR_FILENO) == 1);
    formatter->begin(info);
    summary = scan::runScan(config, targets, ports, *transport, clock, reporter, stop.flag());
    reporter.clearProgress();
  }
  formatter->end(summary);
  out.flush();
  if (!out) throw std::system_error(errno, std::generic_category(), "writing the output");
  context.exit_code = summary.interrupted ? core::kExitInterrupted : core::kExitOk;
}

}  // namespace

void addScanCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<ScanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "scan", "Scan TCP ports of hosts (SYN scan, or connect scan without privileges)");
  cmd->add_option("targets", options->targets,
                  "Hosts: 198.18.0.7, 2001:2::7, 198.18.0.0/16, 198.18.0-3.1-254, names");
  cmd->add_option("--input-list", options->input_list, "Read targets from FILE (nmap: -iL)");
  cmd->add_option("--exclude", options->exclude, "Comma-separated targets to skip");
  cmd->add_option("--exclude-file", options->exclude_file, "Read targets to skip from FILE");
  cmd->add_option("-p,--ports", options->ports,
                  "Ports: 22,80,443  1-1024  -  http,ssh  (default: top 1000)");
  cmd->add_option("--top-ports", options->top_ports, "Scan the N most common ports");
  cmd->add_option("--port-ranking", options->port_ranking,
                  "Ranking for --top-ports: builtin, or nmap (installed nmap-services)")
      ->check(CLI::IsMember({"builtin", "nmap"}));
  cmd->add_flag("--syn", options->syn,
                "Raw TCP SYN scan (the default when raw sockets can be opened)");
  cmd->add_flag("--connect", options->connect, "TCP connect scan (needs no privileges)");
  cmd->add_option("--shard", options->shard, "SYN: scan only shard K of N (K/N)");
  cmd->add_option("--resume", options->resume_file,
                  "SYN: continue from FILE if it holds a paused scan; Ctrl-C writes it");
  cmd->add_flag("--dry-run", options->dry_run,
                "SYN: print the probes this shard would send, send nothing");
  cmd->add_option("--interface", options->interface, "SYN: send and receive on this interface");
  cmd->add_option("--source-ip", options->source_ips,
                  "SYN: source address (once per address family)");
  cmd->add_option("--source-port", options->source_port, "SYN: use this one source port");
  cmd->add_option("--router-mac", options->router_mac, "SYN: next hop MAC (aa:bb:cc:dd:ee:ff)");
  cmd->add_option("--io", options->io,
                  "Connect-scan I/O: auto (io_uring, else epoll), epoll, uring")
      ->check(CLI::IsMember({"auto", "epoll", "uring"}))
      ->capture_default_str();
  cmd->add_option("--format", options->format, "text, json, ndjson, csv, xml, grep")
      ->check(CLI::IsMember({"text", "json", "ndjson", "csv", "xml", "grep"}));
  cmd->add_option("-o,--output", options->output_file, "Write the output to FILE");
  cmd->add_option("--states", options->states,
                  "Port states to list: open,closed,filtered or all (default open,filtered)");
  cmd->add_flag("--open", options->open_only, "List only open ports");
  auto* reverse = cmd->add_flag("-R,--reverse-dns", options->reverse_dns,
                                "Name address targets by reverse DNS / hosts file (<= 4096 hosts)");
  cmd->add_flag("-n,--no-dns", options->no_dns, "No reverse lookups (the default)")
      ->excludes(reverse);
  cmd->add_flag("-q,--quiet", options->quiet, "No progress line on stderr");
  cmd->add_flag("-v,--verbose", options->verbose, "Engine statistics on stderr at the end");
  cmd->add_option("--seed", options->seed, "Seed of the random scan order");
  cmd->add_option("--max-retries", options->max_retries,
                  "Extra probes for a silent port (connect: 4; SYN: up to 10, as loss needs)");
  cmd->add_option("--rate", options->rate, "At most this many probes per second");
  cmd->add_option("--max-parallel", options->max_parallel, "Probes in flight at most");
  cmd->add_option("--min-rtt-timeout", options->min_rtt_timeout_ms, "Probe timeout floor, ms")
      ->capture_default_str();
  cmd->add_option("--max-rtt-timeout", options->max_rtt_timeout_ms, "Probe timeout ceiling, ms")
      ->capture_default_str();
  cmd->add_option("--initial-rtt-timeout", options->initial_rtt_timeout_ms,
                  "Probe timeout before any RTT is measured, ms")
      ->capture_default_str();
  cmd->callback([options, &context] { runScanCommand(*options, context); });
}

}  // namespace portlens::cli
