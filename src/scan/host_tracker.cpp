#include "scan/host_tracker.h"

namespace portlens::scan {
namespace {

// Which state a reason belongs to, for picking each state's dominant reason.
PortState stateOfReason(Reason reason) {
  switch (reason) {
    case Reason::kSynAck:
      return PortState::kOpen;
    case Reason::kConnRefused:
    case Reason::kReset:
      return PortState::kClosed;
    default:
      return PortState::kFiltered;
  }
}

}  // namespace

HostTracker::HostTracker(std::uint64_t host_count, std::uint32_t ports_per_host)
    : ports_per_host_(ports_per_host), hosts_(host_count) {
  for (auto& host : hosts_) host.remaining = ports_per_host;
}

bool HostTracker::record(std::uint64_t host, PortState state, Reason reason) {
  Host& h = hosts_[host];
  ++h.counts[static_cast<std::size_t>(state)];
  ++h.reasons[static_cast<std::size_t>(reason)];
  return --h.remaining == 0;
}

void HostTracker::markStarted(std::uint64_t host, std::chrono::system_clock::time_point when) {
  Host& h = hosts_[host];
  if (h.started == std::chrono::system_clock::time_point{}) h.started = when;
}

HostRecord HostTracker::makeRecord(std::uint64_t host, const core::TargetSet& targets,
                                   std::chrono::system_clock::time_point finished) const {
  const Host& h = hosts_[host];
  HostRecord record;
  record.ip = targets.at(host);
  record.hostname = targets.hostnameOf(record.ip);
  for (PortState state : kAllPortStates) {
    record.counts[state] = h.counts[static_cast<std::size_t>(state)];
  }
  std::array<std::uint32_t, 3> best{};
  for (std::size_t r = 0; r < kReasonCount; ++r) {
    auto reason = static_cast<Reason>(r);
    auto s = static_cast<std::size_t>(stateOfReason(reason));
    if (h.reasons[r] > best[s]) {
      best[s] = h.reasons[r];
      record.dominant_reason[s] = reason;
    }
  }
  record.started = h.started;
  record.finished = finished;
  return record;
}

}  // namespace portlens::scan
