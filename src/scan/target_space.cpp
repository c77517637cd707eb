#include "scan/target_space.h"

#include <algorithm>

#include "core/error.h"

namespace portlens::scan {

void TargetSpace::checkSize(std::uint64_t hosts, std::uint64_t ports) {
  if (hosts > kMaxSize / std::max<std::uint64_t>(ports, 1)) {
    throw core::UsageError("the scan is too large (hosts x ports exceeds 2^48)");
  }
}

TargetSpace::TargetSpace(const core::TargetSet& hosts, const core::PortSet& ports,
                         std::uint64_t seed)
    : host_count_(hosts.size()),
      port_count_(static_cast<std::uint32_t>(ports.size())),
      permutation_(port_count_ == 0 ? 0 : host_count_ * port_count_, seed) {}

}  // namespace portlens::scan
