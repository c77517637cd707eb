#include "scan/target_space.h"

namespace portlens::scan {

TargetSpace::TargetSpace(const core::TargetSet& hosts, const core::PortSet& ports,
                         std::uint64_t seed)
    : host_count_(hosts.size()),
      port_count_(static_cast<std::uint32_t>(ports.size())),
      permutation_(port_count_ == 0 ? 0 : host_count_ * port_count_, seed) {}

}  // namespace portlens::scan
