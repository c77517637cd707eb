// The port policy: the one file that says which ports should be open, where, and why (issue
// 11). Parsed from YAML by policy_parser.h, checked against scan results by audit.h, written
// as a draft by policy_writer.h. Plain data; pure functions only (no DNS, no clock: hostnames
// are resolved by the caller through resolvePolicyHostnames, "today" is passed in).
//
//   hosts:
//     - match: 198.19.0.0/24   # an address, CIDR, range (198.19.0.1-20), hostname, or "local"
//       ports:
//         - port: 9100-9110     # one port or a range
//           service: http       # optional; compared with -sV's name
//           tunnel: ssl         # optional; compared with -sV's TLS tunnel
//           owner: monitoring
//           purpose: node exporters
//           expires: 2027-06-30 # after this date the entry is a finding of its own
//           optional: true      # may be closed without a finding
//           process: postgres   # `match: local` only: the process expected to hold it
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/target_set.h"

namespace portlens::policy {

// Where something was written in the policy file (1-based; 0 when not from a file).
struct SourcePosition {
  int line = 0;
  int column = 0;
};

struct PortEntry {
  std::uint16_t first = 0;  // the documented ports: first..last (equal for one port)
  std::uint16_t last = 0;
  std::string service;  // "" = any
  std::string tunnel;   // "" = not checked; "ssl" = must be; "none" = must not be
  std::string owner;
  std::string purpose;
  std::optional<std::chrono::year_month_day> expires;
  bool optional = false;
  std::string process;  // local only; "" = any
  SourcePosition position;

  bool covers(std::uint16_t port) const { return port >= first && port <= last; }
  // After `expires` (the entry is valid through that whole day).
  bool expiredOn(std::chrono::year_month_day today) const { return expires && today > *expires; }
  std::string portsText() const;  // "22" or "9100-9110"
};

enum class MatchKind : std::uint8_t {
  kAddresses,  // an address, CIDR or range: `addresses` is filled by the parser
  kHostname,   // a name: `addresses` stays empty until resolvePolicyHostnames
  kLocal,      // this machine's listeners (auditLocal)
};

struct HostEntry {
  MatchKind kind = MatchKind::kAddresses;
  std::string match;  // as written
  core::TargetSet addresses;
  std::vector<PortEntry> ports;
  SourcePosition position;
};

struct PortPolicy {
  std::string file;  // the name errors and findings use
  std::vector<HostEntry> hosts;
};

// Resolves every kHostname entry once through `resolver` (returns all addresses of a name,
// empty when it does not resolve). The pure code never resolves; the CLI calls this with
// net::resolveHostname. Throws core::UsageError "FILE:LINE:COL: hostname 'x' does not resolve".

void resolvePolicyHostnames(
    PortPolicy& policy,
    const std::function<std::vector<core::IpAddress>(const std::string&)>& resolver);

// Every non-local address the policy names, for `portlens audit` without targets. Throws
// core::UsageError when a hostname was not resolved first.
core::TargetSet policyTargets(const PortPolicy& policy);

// Every port any entry documents (ranges expanded), so an audit scans at least those.
std::vector<std::uint16_t> documentedPorts(const PortPolicy& policy, bool local);

}  // namespace portlens::policy
