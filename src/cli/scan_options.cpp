#include "cli/scan_options.h"

#include <fmt/core.h>

#include <fstream>
#include <random>

#include "core/error.h"
#include "scan/target_space.h"

namespace portlens::cli {
namespace {

std::vector<std::string> readTokenFile(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw core::UsageError(std::string("cannot read ") + what + " '" + path + "'");
  return core::readTargetTokens(in);
}

std::chrono::nanoseconds fromMs(double ms, const char* option) {
  if (!(ms > 0) || ms > 3'600'000) {
    throw core::UsageError(std::string(option) + " must be between 0 and 3600000 ms");
  }
  return std::chrono::nanoseconds(static_cast<long long>(ms * 1e6));
}

scan::Shard shardOf(const ScanOptions& options) {
  if (options.shard.empty()) return {};
  auto shard = scan::parseShard(options.shard);
  if (!shard) {
    throw core::UsageError(
        fmt::format("--shard '{}': expected K/N with 1 <= K <= N", options.shard));
  }
  return *shard;
}

scan::syn::RouteOverrides routeOverridesOf(const ScanOptions& options) {
  scan::syn::RouteOverrides overrides;
  overrides.interface = options.interface;
  for (const auto& text : options.source_ips) {
    auto address = core::IpAddress::parse(text);
    if (!address) throw core::UsageError(fmt::format("--source-ip '{}' is not an address", text));
    auto& slot = address->isV4() ? overrides.source_ipv4 : overrides.source_ipv6;
    if (slot) throw core::UsageError("--source-ip given twice for one address family");
    slot = *address;
  }
  if (!options.router_mac.empty()) {
    overrides.router_mac = scan::syn::parseMac(options.router_mac);
    if (!overrides.router_mac) {
      throw core::UsageError(
          fmt::format("--router-mac '{}': expected aa:bb:cc:dd:ee:ff", options.router_mac));
    }
  }
  return overrides;
}

// -sV's request: intensity from at most one of its three spellings.
std::optional<scan::ServiceDetectionRequest> serviceDetectionOf(const ScanOptions& options) {
  const int spellings = (options.version_intensity ? 1 : 0) + (options.version_light ? 1 : 0) +
                        (options.version_all ? 1 : 0);
  if (!options.service_detection) {
    if (spellings > 0 || !options.service_probes.empty()) {
      throw core::UsageError(
          "--version-intensity, --version-light, --version-all and --service-probes need -sV");
    }
    return std::nullopt;
  }
  if (spellings > 1) {
    throw core::UsageError(
        "--version-intensity, --version-light and --version-all exclude each other");
  }
  scan::ServiceDetectionRequest request;
  if (options.version_intensity) request.intensity = *options.version_intensity;
  if (options.version_light) request.intensity = 2;
  if (options.version_all) request.intensity = 9;
  if (request.intensity < 0 || request.intensity > 9) {
    throw core::UsageError("--version-intensity must be between 0 and 9");
  }
  request.probe_file = options.service_probes;
  return request;
}

}  // namespace

core::PortSet resolvePorts(const ScanOptions& options, const registry::PortRegistry& registry) {
  auto lookup = [&registry](std::string_view name) { return registry.portsForName(name); };
  if (!options.ports.empty() && !options.top_ports) {
    return core::parsePortSpec(options.ports, lookup);
  }
  std::size_t count = options.top_ports.value_or(1000);
  if (count == 0) throw core::UsageError("--top-ports needs a number above 0");
  core::PortSet result;
  if (options.ports.empty()) {
    for (auto port : registry.topPorts(count)) result.add(port);
    return result;
  }
  // Both given: the N best-ranked ports among those -p names.
  const core::PortSet allowed = core::parsePortSpec(options.ports, lookup);
  for (auto port : registry.topPorts(65536)) {
    if (result.size() == count) break;
    if (allowed.contains(port)) result.add(port);
  }
  return result;
}

core::TargetSet resolveTargets(const ScanOptions& options, const core::HostResolver& resolver) {
  core::TargetSet targets;
  std::vector<std::string> tokens = options.targets;
  if (!options.input_list.empty()) {
    auto more = readTokenFile(options.input_list, "target list");
    tokens.insert(tokens.end(), more.begin(), more.end());
  }
  if (tokens.empty()) throw core::UsageError("no targets given (name hosts, or use -iL FILE)");
  for (const auto& token : tokens) core::addTargetSpec(targets, token, resolver);
  subtractExcluded(targets, options, resolver);
  return targets;
}

void subtractExcluded(core::TargetSet& targets, const ScanOptions& options,
                      const core::HostResolver& resolver) {
  core::TargetSet excluded;
  if (!options.exclude.empty()) core::addTargetList(excluded, options.exclude, resolver);
  if (!options.exclude_file.empty()) {
    for (const auto& token : readTokenFile(options.exclude_file, "exclude file")) {
      core::addTargetSpec(excluded, token, resolver);
    }
  }
  if (!excluded.empty()) targets.subtract(excluded);
  if (targets.empty()) throw core::UsageError("every target is excluded; nothing to scan");
}

std::set<scan::PortState> resolveShownStates(const ScanOptions& options, bool& explicit_choice) {
  explicit_choice = options.open_only || !options.states.empty();
  if (options.open_only) return {scan::PortState::kOpen};
  if (options.states.empty()) return {scan::PortState::kOpen, scan::PortState::kFiltered};
  if (options.states == "all") {
    return {scan::kAllPortStates.begin(), scan::kAllPortStates.end()};
  }
  std::set<scan::PortState> states;
  std::string_view rest = options.states;
  while (true) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    auto state = scan::parsePortState(item);
    if (!state) {
      throw core::UsageError("unknown port state '" + std::string(item) +
                             "' in --states (open, closed, filtered, all)");
    }
    states.insert(*state);
    if (comma == rest.npos) break;
    rest.remove_prefix(comma + 1);
  }
  return states;
}

scan::ScanRequest makeScanRequest(const ScanOptions& options, scan::ScanType type) {
  scan::ScanRequest request;
  request.type = type;
  request.seed = options.seed ? *options.seed : std::random_device{}() * 0x100000001ULL;
  request.max_retries = options.max_retries;
  request.rate = options.rate;
  request.max_parallel = options.max_parallel;
  request.rtt.floor = fromMs(options.min_rtt_timeout_ms, "--min-rtt-timeout");
  request.rtt.ceiling = fromMs(options.max_rtt_timeout_ms, "--max-rtt-timeout");
  request.rtt.initial = fromMs(options.initial_rtt_timeout_ms, "--initial-rtt-timeout");
  request.io = options.io == "epoll"   ? scan::ConnectIo::kEpoll
               : options.io == "uring" ? scan::ConnectIo::kUring
                                       : scan::ConnectIo::kAuto;
  if (type == scan::ScanType::kSyn) {
    request.route_overrides = routeOverridesOf(options);
    request.shard = shardOf(options);
    request.source_port = options.source_port;
  }
  request.service_detection = serviceDetectionOf(options);
  scan::configFor(request);  // every rule of the request is checked before anything opens
  return request;
}

}  // namespace portlens::cli
