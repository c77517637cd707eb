// The (host x port) index space of a scan and its seeded visiting order. Position p of the
// scan probes target at(p); consecutive positions land on unrelated hosts and ports, so no
// host or subnet sees a burst. Pure: nothing here touches the network.
#pragma once

#include <cstdint>

#include "core/port_set.h"
#include "core/target_set.h"
#include "scan/permutation.h"

namespace portlens::scan {

struct ProbeTarget {
  std::uint64_t host_index = 0;  // index into the TargetSet
  std::uint32_t port_index = 0;  // index into the PortSet
};

class TargetSpace {
 public:
  // Largest supported hosts x ports product; whoever starts a scan (the CLI, the server's
  // jobs) refuses bigger ones with checkSize before building one.
  static constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 48;
  // Throws core::UsageError when hosts x ports exceeds kMaxSize (without overflowing).
  static void checkSize(std::uint64_t hosts, std::uint64_t ports);

  TargetSpace(const core::TargetSet& hosts, const core::PortSet& ports, std::uint64_t seed);

  std::uint64_t size() const { return permutation_.size(); }
  std::uint64_t hostCount() const { return host_count_; }
  std::uint32_t portCount() const { return port_count_; }

  // The target visited at scan position `position` (position < size()).
  ProbeTarget at(std::uint64_t position) const { return decompose(permutation_.at(position)); }
  std::uint64_t flatAt(std::uint64_t position) const { return permutation_.at(position); }
  std::uint64_t positionOf(std::uint64_t flat) const { return permutation_.positionOf(flat); }
  ProbeTarget decompose(std::uint64_t flat) const {
    return {flat / port_count_, static_cast<std::uint32_t>(flat % port_count_)};
  }

 private:
  std::uint64_t host_count_;
  std::uint32_t port_count_;
  Permutation permutation_;
};

}  // namespace portlens::scan
