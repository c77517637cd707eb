// What an interrupted scan still has to probe. Pure. The engine scans a product
// (hosts x ports), so the plan is: the hosts with at least one port not yet stored, and the
// ports missing on at least one of them. For one host this is exact; for several it may
// re-probe a port on a host that already has it (the store keeps the first answer, so
// nothing is counted twice). Scans of more than kResumeHostLimit hosts are re-probed whole.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/port_set.h"
#include "core/target_set.h"

namespace portlens::worker {

inline constexpr std::uint64_t kResumeHostLimit = 4096;

struct ResumePlan {
  core::TargetSet targets;
  core::PortSet ports;
};

ResumePlan planResume(const core::TargetSet& targets, const core::PortSet& ports,
                      const std::vector<std::pair<core::IpAddress, std::uint16_t>>& done);

}  // namespace portlens::worker
