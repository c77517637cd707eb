// The options of `portlens scan` as typed, and their translation into what the engine needs.
// Pure apart from the injected resolver and file reading, so tests can check every rule.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/port_set.h"
#include "core/port_spec.h"
#include "core/target_spec.h"
#include "output/formatter.h"
#include "registry/port_registry.h"
#include "scan/launcher.h"

namespace portlens::cli {

struct ScanOptions {
  std::vector<std::string> targets;
  std::string input_list;  // -iL FILE
  std::string exclude;     // comma-separated
  std::string exclude_file;
  std::string ports;  // -p SPEC
  std::optional<std::size_t> top_ports;
  std::string port_ranking = "builtin";  // builtin | nmap
  std::string format = "text";
  std::string output_file;
  std::string states;       // "open,filtered"; "all"
  std::string io = "auto";  // connect-scan I/O: auto (io_uring, else epoll), epoll, uring
  bool connect = false;     // --connect
  bool syn = false;         // --syn (default when raw sockets can be opened)
  std::string shard;        // --shard K/N
  std::string resume_file;
  bool dry_run = false;
  std::string interface;
  std::vector<std::string> source_ips;
  std::optional<std::uint16_t> source_port;
  std::string router_mac;
  bool reverse_dns = false;  // -R: name address targets by their reverse names
  bool no_dns = false;       // -n: nmap's spelling of the default
  bool open_only = false;
  bool quiet = false;
  bool verbose = false;  // -v: engine statistics on stderr at the end
  std::optional<std::uint64_t> seed;
  // Unset: 4 for connect scans; for SYN scans a cap of 10, the measured loss deciding.
  std::optional<unsigned> max_retries;
  double rate = 0;
  std::uint32_t max_parallel = 0;
  double min_rtt_timeout_ms = 10;
  double max_rtt_timeout_ms = 3000;
  double initial_rtt_timeout_ms = 1000;
  // -sV / --service-detection and nmap's knobs for it.
  bool service_detection = false;
  std::optional<int> version_intensity;  // --version-intensity 0-9 (default 7)
  bool version_light = false;            // --version-intensity 2
  bool version_all = false;              // --version-intensity 9
  std::string service_probes;            // --service-probes FILE ("" = built in)
};

// The port list: -p and/or --top-ports (top N within -p when both), default top 1000.
core::PortSet resolvePorts(const ScanOptions& options, const registry::PortRegistry& registry);

// Targets from arguments and -iL, minus --exclude and --exclude-file. Throws UsageError when
// nothing is left, or the scan would be larger than the engine supports.
core::TargetSet resolveTargets(const ScanOptions& options, const core::HostResolver& resolver);

// --exclude and --exclude-file taken out of `targets` (targets from elsewhere: `audit` scans
// the policy's hosts). Throws UsageError when nothing is left.
void subtractExcluded(core::TargetSet& targets, const ScanOptions& options,
                      const core::HostResolver& resolver);

// --states / --open as a set, and whether the user chose it.
std::set<scan::PortState> resolveShownStates(const ScanOptions& options, bool& explicit_choice);

// The typed request the launcher runs (scan/launcher.h), every option checked: throws
// core::UsageError naming the bad option. The -sV knobs without -sV are refused too.
scan::ScanRequest makeScanRequest(const ScanOptions& options, scan::ScanType type);

}  // namespace portlens::cli
