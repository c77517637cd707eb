#include "worker/resume_plan.h"

#include <map>

namespace portlens::worker {

ResumePlan planResume(const core::TargetSet& targets, const core::PortSet& ports,
                      const std::vector<std::pair<core::IpAddress, std::uint16_t>>& done) {
  if (done.empty() || targets.size() > kResumeHostLimit) return {targets, ports};
  std::map<core::IpAddress, core::PortSet> by_host;
  for (const auto& [ip, port] : done) by_host[ip].add(port);
  ResumePlan plan;
  for (std::uint64_t i = 0; i < targets.size(); ++i) {
    const auto host = targets.at(i);
    const auto it = by_host.find(host);
    bool host_left = false;
    for (auto port : ports.ports()) {
      if (it == by_host.end() || !it->second.contains(port)) {
        plan.ports.add(port);
        host_left = true;
      }
    }
    if (host_left) {
      plan.targets.add(host);
      if (const auto& name = targets.hostnameOf(host); !name.empty()) {
        plan.targets.nameAddress(host, name);
      }
    }
  }
  return plan;
}

}  // namespace portlens::worker
