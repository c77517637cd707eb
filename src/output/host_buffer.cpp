#include "output/host_buffer.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace portlens::output {

namespace {

void sortByPort(std::vector<scan::PortRecord>& ports) {
  std::ranges::sort(ports, {}, &scan::PortRecord::port);
}

// Counts and most common reason per state, as the engine would have reported them had the
// host finished.
scan::HostRecord rebuildHostRecord(const core::IpAddress& ip,
                                   const std::vector<scan::PortRecord>& ports,
                                   std::chrono::system_clock::time_point when) {
  scan::HostRecord host;
  host.ip = ip;
  host.hostname = ports.empty() ? std::string() : ports.front().hostname;
  host.started = when;
  host.finished = when;
  constexpr std::size_t kReasons = static_cast<std::size_t>(scan::Reason::kLocalError) + 1;
  std::array<std::array<std::uint64_t, kReasons>, 3> tally{};
  for (const auto& record : ports) {
    host.counts[record.state] += 1;
    tally[static_cast<std::size_t>(record.state)][static_cast<std::size_t>(record.reason)] += 1;
  }
  for (std::size_t state = 0; state < tally.size(); ++state) {
    const auto& reasons = tally[state];
    const auto best = std::ranges::max_element(reasons);
    if (*best > 0) {
      host.dominant_reason[state] = static_cast<scan::Reason>(best - reasons.begin());
    }
  }
  return host;
}

}  // namespace

void HostBuffer::add(const scan::PortRecord& record) { ports_[record.ip].push_back(record); }

std::vector<scan::PortRecord> HostBuffer::take(const core::IpAddress& ip) {
  auto node = ports_.extract(ip);
  if (node.empty()) return {};
  std::vector<scan::PortRecord> ports = std::move(node.mapped());
  sortByPort(ports);
  return ports;
}

std::vector<PendingHost> HostBuffer::takeUnfinished(std::chrono::system_clock::time_point when) {
  std::vector<PendingHost> hosts;
  hosts.reserve(ports_.size());
  for (auto& [ip, ports] : ports_) {
    sortByPort(ports);
    hosts.push_back({rebuildHostRecord(ip, ports, when), std::move(ports)});
  }
  ports_.clear();
  return hosts;
}

}  // namespace portlens::output
