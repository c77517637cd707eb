// The audit: a port policy (port_policy.h) against what was seen. Pure; `today` is an input.
// Called by `portlens audit` and by the server's monitors after each run. Findings come out
// sorted by (ip, port, kind), one per (kind, ip, port).
//
// audit() - scanned hosts, against the policy's non-local entries. A host counts as scanned
// when it has at least one port record; every entry whose match contains it applies.
//   unexpected_open  an open port no applicable entry documents
//   missing          a documented port that is not open (state as seen, "" if not scanned);
//                    a range entry is missing only when none of its ports is open; optional
//                    and expired entries are never missing
//   expired          an open port documented only by entries whose `expires` has passed
//                    (one finding per open port; an expired entry with nothing open gives none)
//   service_mismatch an open port whose service detection (-sV, method "probed") named another
//                    service, or another tunnel, than its entry says; never without -sV
// auditLocal() - this machine's listening sockets, against the `match: local` entries:
//   unexpected_listener, process_mismatch (the entry names a process and a known holder is
//   another one), missing (ip 0.0.0.0: no address listens), expired - with the listener's
//   process (pid, name, user).
// Findings carry the entry's owner and purpose, and a one-line `detail`.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "core/ip_address.h"
#include "policy/finding.h"
#include "policy/port_policy.h"
#include "scan/records.h"

namespace portlens::policy {

// Hostname entries must have been resolved (resolvePolicyHostnames) or they match nothing.
std::vector<Finding> audit(const PortPolicy& policy, const std::vector<scan::PortRecord>& records,
                           std::chrono::year_month_day today);

struct Listener {
  core::IpAddress ip;  // bound address (0.0.0.0 / :: for any)
  std::uint16_t port = 0;
  std::optional<ProcessInfo> process;  // unknown when /proc did not tell (another user's)
};

std::vector<Finding> auditLocal(const PortPolicy& policy, const std::vector<Listener>& listeners,
                                std::chrono::year_month_day today);

struct FindingCounts {
  std::size_t total = 0;
  std::size_t by_kind[9] = {};  // indexed by FindingKind
};
FindingCounts countFindings(const std::vector<Finding>& findings);

// The calendar day of `time` in UTC (what the CLI passes as `today`).
std::chrono::year_month_day utcDay(std::chrono::system_clock::time_point time);

}  // namespace portlens::policy
