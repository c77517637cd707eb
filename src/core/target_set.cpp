#include "core/target_set.h"

namespace portlens::core {

void TargetSet::add(IpAddress first, IpAddress last) {
  if (first.isV4()) {
    v4_.add(first.v4(), last.v4());
  } else {
    v6_.add(first.v6(), last.v6());
  }
}

void TargetSet::subtract(const TargetSet& other) {
  v4_.subtract(other.v4_);
  v6_.subtract(other.v6_);
  std::erase_if(hostnames_, [this](const auto& entry) { return !contains(entry.first); });
}

void TargetSet::nameAddress(IpAddress address, std::string hostname) {
  hostnames_.emplace(address, std::move(hostname));  // the first name given wins
}

std::uint64_t TargetSet::size() const {
  std::uint64_t a = v4_.size();
  std::uint64_t b = v6_.size();
  return UINT64_MAX - a < b ? UINT64_MAX : a + b;
}

bool TargetSet::contains(IpAddress address) const {
  return address.isV4() ? v4_.contains(address.v4()) : v6_.contains(address.v6());
}

IpAddress TargetSet::at(std::uint64_t index) const {
  std::uint64_t v4_count = v4_.size();
  if (index < v4_count) return IpAddress::fromV4(v4_.nth(index));
  return IpAddress::fromV6(v6_.nth(index - v4_count));
}

std::optional<std::uint64_t> TargetSet::indexOf(IpAddress address) const {
  if (address.isV4()) return v4_.indexOf(address.v4());
  auto index = v6_.indexOf(address.v6());
  if (!index) return std::nullopt;
  return v4_.size() + *index;
}

const std::string& TargetSet::hostnameOf(IpAddress address) const {
  static const std::string kNone;
  auto it = hostnames_.find(address);
  return it == hostnames_.end() ? kNone : it->second;
}

}  // namespace portlens::core
