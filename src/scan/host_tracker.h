// Per-host bookkeeping for a scan: ports still pending, counts per state, the most common
// reason per state, and the host's own RTT estimate. About 100 bytes a host.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include "core/target_set.h"
#include "scan/records.h"
#include "scan/rtt_estimator.h"

namespace portlens::scan {

class HostTracker {
 public:
  static constexpr std::size_t kReasonCount = static_cast<std::size_t>(Reason::kLocalError) + 1;

  HostTracker(std::uint64_t host_count, std::uint32_t ports_per_host);

  // Records a port's final state. Returns true when it was the host's last pending port.
  bool record(std::uint64_t host, PortState state, Reason reason);
  void markStarted(std::uint64_t host, std::chrono::system_clock::time_point when);
  bool touched(std::uint64_t host) const { return hosts_[host].remaining != ports_per_host_; }
  bool complete(std::uint64_t host) const { return hosts_[host].remaining == 0; }

  RttEstimator& rtt(std::uint64_t host) { return hosts_[host].rtt; }
  HostRecord makeRecord(std::uint64_t host, const core::TargetSet& targets,
                        std::chrono::system_clock::time_point finished) const;
  std::uint64_t hostCount() const { return hosts_.size(); }

 private:
  struct Host {
    std::uint32_t remaining = 0;
    std::array<std::uint32_t, 3> counts{};  // by PortState
    std::array<std::uint32_t, kReasonCount> reasons{};
    RttEstimator rtt;
    std::chrono::system_clock::time_point started{};
  };

  std::uint32_t ports_per_host_;
  std::vector<Host> hosts_;
};

}  // namespace portlens::scan
