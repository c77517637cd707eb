// The address blocks a scan may not reach unless the operator allows them (RFC 6890 and its
// successors): where they are and, for the refusal message, why. Pure data.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "target_policy/cidr.h"

namespace portlens::target_policy {

struct SpecialRange {
  Cidr block;
  std::string_view why;  // "loopback", "private network (RFC 1918)", ...
};

// Most specific first, so 169.254.169.254 is named as the metadata address, not just
// link-local. The table is built once on first use (a function-local constant).
std::span<const SpecialRange> specialRanges();

// The first special range that overlaps first..last (same family), if any.
std::optional<SpecialRange> firstSpecialOverlap(const core::IpAddress& first,
                                                const core::IpAddress& last);

}  // namespace portlens::target_policy
