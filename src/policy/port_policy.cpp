#include "policy/port_policy.h"

#include <fmt/format.h>

#include <set>

#include "core/error.h"
#include "core/target_spec.h"

namespace portlens::policy {

std::string PortEntry::portsText() const {
  return first == last ? std::to_string(first) : fmt::format("{}-{}", first, last);
}

void resolvePolicyHostnames(
    PortPolicy& policy,
    const std::function<std::vector<core::IpAddress>(const std::string&)>& resolver) {
  for (HostEntry& host : policy.hosts) {
    if (host.kind != MatchKind::kHostname) continue;
    const std::vector<core::IpAddress> addresses = resolver(host.match);
    if (addresses.empty()) {
      throw core::UsageError(fmt::format("{}:{}:{}: hostname '{}' does not resolve", policy.file,
                                         host.position.line, host.position.column, host.match));
    }
    host.addresses = core::TargetSet();
    for (const core::IpAddress& address : addresses) {
      host.addresses.add(address);
      host.addresses.nameAddress(address, host.match);
    }
  }
}

core::TargetSet policyTargets(const PortPolicy& policy) {
  core::TargetSet targets;
  for (const HostEntry& host : policy.hosts) {
    if (host.kind == MatchKind::kLocal) continue;
    if (host.kind == MatchKind::kHostname && host.addresses.empty()) {
      throw core::UsageError(
          fmt::format("hostname '{}' of {} was not resolved", host.match, policy.file));
    }
    for (const auto& interval : host.addresses.v4().intervals()) {
      targets.add(core::IpAddress::fromV4(interval.first), core::IpAddress::fromV4(interval.last));
    }
    for (const auto& interval : host.addresses.v6().intervals()) {
      targets.add(core::IpAddress::fromV6(interval.first), core::IpAddress::fromV6(interval.last));
    }
    if (host.kind == MatchKind::kHostname) {
      for (std::uint64_t i = 0; i < host.addresses.size() && i < 1024; ++i) {
        targets.nameAddress(host.addresses.at(i), host.match);
      }
    }
  }
  return targets;
}

std::vector<std::uint16_t> documentedPorts(const PortPolicy& policy, bool local) {
  std::set<std::uint16_t> ports;
  for (const HostEntry& host : policy.hosts) {
    if ((host.kind == MatchKind::kLocal) != local) continue;
    for (const PortEntry& entry : host.ports) {
      for (unsigned port = entry.first; port <= entry.last; ++port) {
        ports.insert(static_cast<std::uint16_t>(port));
      }
    }
  }
  return {ports.begin(), ports.end()};
}

}  // namespace portlens::policy
