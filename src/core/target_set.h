// The set of hosts a scan covers: IPv4 and IPv6 interval sets plus the hostnames the user
// typed (kept for display; each name was resolved exactly once). Index order: all IPv4
// addresses ascending, then all IPv6 addresses ascending.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/interval_set.h"
#include "core/ip_address.h"

namespace portlens::core {

class TargetSet {
 public:
  void add(IpAddress first, IpAddress last);  // same family, first <= last
  void add(IpAddress address) { add(address, address); }
  void subtract(const TargetSet& other);
  void nameAddress(IpAddress address, std::string hostname);

  std::uint64_t size() const;  // saturates at UINT64_MAX
  bool empty() const { return size() == 0; }
  bool contains(IpAddress address) const;
  IpAddress at(std::uint64_t index) const;  // index < size()
  // The inverse of at(): the index of `address`, or nullopt when it is not a target.
  std::optional<std::uint64_t> indexOf(IpAddress address) const;
  // Finishes the lazy normalisation, after which const calls are safe from several threads.
  void freeze() const { (void)size(); }

  // The hostname the user typed for this address, or "" when it was given numerically.
  const std::string& hostnameOf(IpAddress address) const;

  const IntervalSet<std::uint32_t>& v4() const { return v4_; }
  const IntervalSet<Uint128>& v6() const { return v6_; }

 private:
  IntervalSet<std::uint32_t> v4_;
  IntervalSet<Uint128> v6_;
  std::map<IpAddress, std::string> hostnames_;
};

}  // namespace portlens::core
