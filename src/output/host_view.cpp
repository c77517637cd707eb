#include "output/host_view.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace portlens::output {

namespace {

bool isCollapsed(scan::PortState state, const scan::HostRecord& host,
                 const FormatOptions& options) {
  if (!options.shown_states.contains(state)) return true;
  if (options.states_explicit || state == scan::PortState::kOpen) return false;
  return host.counts[state] > kMaxListedPerState;
}

std::optional<RttStats> computeRtt(const std::vector<scan::PortRecord>& ports) {
  double sum = 0;
  std::size_t samples = 0;
  for (const auto& record : ports) {
    if (record.rtt < std::chrono::nanoseconds::zero()) continue;
    sum += static_cast<double>(record.rtt.count());
    ++samples;
  }
  if (samples == 0) return std::nullopt;
  const double mean = sum / static_cast<double>(samples);
  double deviation = 0;
  for (const auto& record : ports) {
    if (record.rtt < std::chrono::nanoseconds::zero()) continue;
    deviation += std::abs(static_cast<double>(record.rtt.count()) - mean);
  }
  RttStats stats;
  stats.srtt = std::chrono::nanoseconds(std::llround(mean));
  stats.rttvar = std::chrono::nanoseconds(std::llround(deviation / static_cast<double>(samples)));
  return stats;
}

}  // namespace

HostView buildHostView(const scan::HostRecord& host, std::vector<scan::PortRecord> ports,
                       const FormatOptions& options) {
  HostView view;
  view.rtt = computeRtt(ports);
  for (scan::PortState state : scan::kAllPortStates) {
    if (!isCollapsed(state, host, options) || host.counts[state] == 0) continue;
    view.collapsed.push_back(
        {state, host.counts[state], host.dominant_reason[static_cast<std::size_t>(state)]});
  }
  // nmap orders the summary by size; stable so equal counts keep open/closed/filtered order.
  std::ranges::stable_sort(view.collapsed, std::ranges::greater{}, &CollapsedState::count);
  std::erase_if(ports, [&](const scan::PortRecord& record) {
    return isCollapsed(record.state, host, options);
  });
  std::ranges::sort(ports, {}, &scan::PortRecord::port);
  view.listed = std::move(ports);
  return view;
}

std::string_view hostUpReason(const scan::HostRecord& host) {
  for (scan::PortState state : {scan::PortState::kOpen, scan::PortState::kClosed}) {
    if (host.counts[state] > 0) {
      return scan::toString(host.dominant_reason[static_cast<std::size_t>(state)]);
    }
  }
  return "user-set";
}

}  // namespace portlens::output
