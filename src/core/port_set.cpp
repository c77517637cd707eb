#include "core/port_set.h"

#include <string>

namespace portlens::core {

PortSet PortSet::range(std::uint16_t first, std::uint16_t last) {
  PortSet set;
  set.add(first, last);
  return set;
}

void PortSet::add(std::uint16_t port) {
  bits_.set(port);
  ports_stale_ = true;
}

void PortSet::add(std::uint16_t first, std::uint16_t last) {
  for (std::uint32_t p = first; p <= last; ++p) bits_.set(p);
  ports_stale_ = true;
}

void PortSet::addAll(const PortSet& other) {
  bits_ |= other.bits_;
  ports_stale_ = true;
}

void PortSet::remove(std::uint16_t port) {
  bits_.reset(port);
  ports_stale_ = true;
}

const std::vector<std::uint16_t>& PortSet::ports() const {
  if (ports_stale_) {
    ports_.clear();
    for (std::uint32_t p = 0; p < 65536; ++p) {
      if (bits_.test(p)) ports_.push_back(static_cast<std::uint16_t>(p));
    }
    ports_stale_ = false;
  }
  return ports_;
}

std::string PortSet::toString() const {
  const auto& list = ports();
  std::string out;
  for (std::size_t i = 0; i < list.size();) {
    std::size_t j = i;
    while (j + 1 < list.size() && list[j + 1] == list[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(list[i]);
    if (j > i) out += '-' + std::to_string(list[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace portlens::core
