// The abuse guard: decides whether a scan request may go out, and turns the accepted target
// text into the exact address set the scan will use. Pure (name resolution is injected), so
// every rule is unit-tested case by case; routes call it on the HTTP thread before anything
// is stored.
//
// Rules, in order:
//   1. Each whitespace-separated token is normalised (target_normalize.h), then parsed by the
//      core target parser. Hostnames are resolved exactly once, here; the returned set holds
//      those addresses and the job scans them without a second lookup (no DNS rebinding).
//   2. Every address must be outside the special ranges (special_ranges.h) unless it lies in
//      one of the caller's allowed blocks (per token in the config or the token record).
//   2b. (checked after rule 4) When `require_verified` is set (a token holder who is not an admin),
//   every address
//      outside `allowed` must also lie in `verified` (blocks the caller proved control of,
//      target_policy/verification.h). A proof never opens a special range: rule 2 runs first
//      and does not look at `verified`. `unsafe_treat_as_public` (tests only) takes blocks out
//      of the special ranges, so a lab block behaves like the public internet for rule 2b.
//   3. An anonymous caller (no token) may target only its own address, and only one.
//   4. hosts x ports must not exceed the caller's cap.
// Refusals throw PolicyError (policy_error.h): kInvalidTarget, kForbidden (the message says
// which address and why), kTooLarge; the web service maps them to 400/403/413.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/target_set.h"
#include "core/target_spec.h"
#include "target_policy/cidr.h"
#include "target_policy/policy_error.h"

namespace portlens::target_policy {

struct TargetPolicy {
  std::vector<Cidr> allowed;                    // special ranges opened for this caller
  std::optional<core::IpAddress> only_address;  // anonymous callers: their own address
  std::uint64_t max_probes = 0;                 // hosts x ports cap; 0 = unlimited
  bool require_verified = false;                // public addresses need a proof (rule 2b)
  std::vector<Cidr> verified;                   // proved by this caller, still valid
  std::vector<Cidr> unsafe_treat_as_public;     // TESTS ONLY: special blocks seen as public
};

// Throws PolicyError; returns the set to scan (never empty).
core::TargetSet checkTargets(const TargetPolicy& policy, std::string_view targets,
                             std::uint64_t port_count, const core::HostResolver& resolver);

}  // namespace portlens::target_policy
