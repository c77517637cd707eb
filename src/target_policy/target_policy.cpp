#include "target_policy/target_policy.h"

#include <string>

#include "core/error.h"
#include "target_policy/policy_error.h"
#include "target_policy/special_ranges.h"
#include "target_policy/target_normalize.h"

namespace portlens::target_policy {
namespace {

constexpr std::size_t kMaxTokens = 256;

std::string rangeText(const core::IpAddress& first, const core::IpAddress& last) {
  return first == last ? first.toString() : first.toString() + "-" + last.toString();
}

// The allowed blocks of one family, as one set: built once per request, not per target
// interval (an octet range can expand to millions of intervals).
template <typename T>
core::IntervalSet<T> allowedBlocks(const std::vector<Cidr>& allowed, bool v4) {
  core::IntervalSet<T> open;
  for (const auto& cidr : allowed) {
    if (cidr.first.isV4() != v4) continue;
    if (v4) {
      open.add(static_cast<T>(cidr.first.v4()), static_cast<T>(cidr.last.v4()));
    } else {
      open.add(static_cast<T>(cidr.first.v6()), static_cast<T>(cidr.last.v6()));
    }
  }
  return open;
}

void refuseSpecial(const core::IpAddress& first, const core::IpAddress& last) {
  if (auto special = firstSpecialOverlap(first, last)) {
    const bool single = first == last;
    throw PolicyError(Refusal::kForbidden,
                      (single ? first.toString() + " is " : rangeText(first, last) + " includes ") +
                          std::string(special->why) + " (" + special->block.toString() +
                          "); this server does not scan it for you");
  }
}

// Every part of the targets no allowed block covers must be outside the special ranges. The
// set's intervals are sorted and disjoint, so the parts come in the same order as they would
// interval by interval, and the first refusal names the same part.
void checkSpecialRanges(const core::TargetSet& set, const std::vector<Cidr>& allowed) {
  auto v4 = set.v4();
  v4.subtract(allowedBlocks<std::uint32_t>(allowed, true));
  for (const auto& part : v4.intervals()) {
    refuseSpecial(core::IpAddress::fromV4(part.first), core::IpAddress::fromV4(part.last));
  }
  auto v6 = set.v6();
  v6.subtract(allowedBlocks<core::Uint128>(allowed, false));
  for (const auto& part : v6.intervals()) {
    refuseSpecial(core::IpAddress::fromV6(part.first), core::IpAddress::fromV6(part.last));
  }
}

[[noreturn]] void refuseUnverified(const core::IpAddress& first, const core::IpAddress& last) {
  throw PolicyError(Refusal::kForbidden,
                    (first == last ? first.toString() + " is" : rangeText(first, last) + " are") +
                        " not verified for your token; prove control of it first "
                        "(POST /api/v1/verifications)");
}

// Rule 2b: what is neither allowed nor proved is refused.
void checkVerified(const core::TargetSet& set, const std::vector<Cidr>& open) {
  auto v4 = set.v4();
  v4.subtract(allowedBlocks<std::uint32_t>(open, true));
  for (const auto& part : v4.intervals()) {
    refuseUnverified(core::IpAddress::fromV4(part.first), core::IpAddress::fromV4(part.last));
  }
  auto v6 = set.v6();
  v6.subtract(allowedBlocks<core::Uint128>(open, false));
  for (const auto& part : v6.intervals()) {
    refuseUnverified(core::IpAddress::fromV6(part.first), core::IpAddress::fromV6(part.last));
  }
}

}  // namespace

core::TargetSet checkTargets(const TargetPolicy& policy, std::string_view targets,
                             std::uint64_t port_count, const core::HostResolver& resolver) {
  core::TargetSet set;
  std::size_t tokens = 0;
  std::size_t pos = 0;
  while (pos < targets.size()) {
    auto end = targets.find_first_of(" \t\r\n", pos);
    if (end == targets.npos) end = targets.size();
    auto token = targets.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty()) continue;
    if (++tokens > kMaxTokens) {
      throw PolicyError(Refusal::kTooLarge,
                        "more than " + std::to_string(kMaxTokens) + " target tokens");
    }
    try {
      core::addTargetSpec(set, normalizeTargetToken(token), resolver);
    } catch (const core::UsageError& e) {
      throw PolicyError(Refusal::kInvalidTarget, e.what());
    }
  }
  if (set.empty()) throw PolicyError(Refusal::kInvalidTarget, "no targets given");

  if (policy.only_address) {
    if (set.size() != 1 || !set.contains(*policy.only_address)) {
      throw PolicyError(Refusal::kForbidden,
                        "without an API token you may scan only your own address (" +
                            policy.only_address->toString() + ")");
    }
  }
  auto not_special = policy.allowed;
  not_special.insert(not_special.end(), policy.unsafe_treat_as_public.begin(),
                     policy.unsafe_treat_as_public.end());
  checkSpecialRanges(set, not_special);

  const std::uint64_t hosts = set.size();
  if (policy.max_probes != 0 &&
      (hosts > policy.max_probes || hosts * port_count > policy.max_probes)) {
    throw PolicyError(Refusal::kTooLarge,
                      std::to_string(hosts) + " hosts x " + std::to_string(port_count) +
                          " ports is more than the " + std::to_string(policy.max_probes) +
                          " probes allowed per scan");
  }
  // Rule 2b after the size cap, so a scan too large for anyone says so first.
  if (policy.require_verified) {
    auto open = policy.allowed;
    open.insert(open.end(), policy.verified.begin(), policy.verified.end());
    checkVerified(set, open);
  }
  return set;
}

}  // namespace portlens::target_policy
