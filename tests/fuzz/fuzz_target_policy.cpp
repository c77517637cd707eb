// Fuzzes the web service's abuse guard (target_policy/: target_policy + target_normalize):
// whatever a client sends, either the policy refuses it with a PolicyError, or every address it
// lets through lies outside the special ranges or inside the caller's allowed blocks; and
// normalising a token twice gives what normalising it once gave (the check and the scan read
// the same spelling).
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "target_policy/policy_error.h"
#include "target_policy/special_ranges.h"
#include "target_policy/target_normalize.h"
#include "target_policy/target_policy.h"

using namespace portlens;

namespace {

bool allowed(const std::vector<target_policy::Cidr>& blocks, const core::IpAddress& first,
             const core::IpAddress& last) {
  for (const auto& b : blocks) {
    if (b.contains(first) && b.contains(last)) return true;
  }
  return false;
}

// Every special range overlapping first..last must have its overlap inside an allowed block.
void checkInterval(const std::vector<target_policy::Cidr>& blocks, const core::IpAddress& first,
                   const core::IpAddress& last) {
  for (const auto& range : target_policy::specialRanges()) {
    if (range.block.first.family() != first.family()) continue;
    if (range.block.last < first || last < range.block.first) continue;
    const auto lo = std::max(first, range.block.first);
    const auto hi = std::min(last, range.block.last);
    if (!allowed(blocks, lo, hi)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::asText(data, size));
  try {
    const std::string once = target_policy::normalizeTargetToken(text);
    if (target_policy::normalizeTargetToken(once) != once) std::abort();
  } catch (const target_policy::PolicyError&) {
  }
  target_policy::TargetPolicy policy;
  policy.allowed = target_policy::parseCidrList("198.19.0.0/16 2001:2:0:1::/64");
  policy.max_probes = 1 << 20;
  try {
    const auto set = target_policy::checkTargets(policy, text, 1, fuzz::fakeResolver());
    if (set.empty()) std::abort();
    for (const auto& iv : set.v4().intervals()) {
      checkInterval(policy.allowed, core::IpAddress::fromV4(iv.first),
                    core::IpAddress::fromV4(iv.last));
    }
    for (const auto& iv : set.v6().intervals()) {
      checkInterval(policy.allowed, core::IpAddress::fromV6(iv.first),
                    core::IpAddress::fromV6(iv.last));
    }
  } catch (const target_policy::PolicyError&) {
  }
  return 0;
}
