// An address block (first..last of one family) and its parser. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace portlens::target_policy {

struct Cidr {
  core::IpAddress first;
  core::IpAddress last;
  unsigned prefix = 0;

  bool contains(const core::IpAddress& address) const {
    return address.family() == first.family() && first <= address && address <= last;
  }
  // "198.19.0.0/16"
  std::string toString() const;
};

// "198.19.0.0/16", "2001:2:0:1::/64", or a single address (a /32 or /128). Host bits must be
// zero, so a typo in an allow rule does not silently widen or shift it. nullopt on error.
std::optional<Cidr> parseCidr(std::string_view text);

// A comma- or whitespace-separated list; throws std::invalid_argument naming a bad item.
std::vector<Cidr> parseCidrList(std::string_view text);

}  // namespace portlens::target_policy
