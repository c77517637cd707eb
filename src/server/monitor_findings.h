// What a monitor's run means, as findings. Pure; called by monitor_completion after each done
// run, with the monitor's open findings from the store.
//
// Diff kinds are kept against the monitor's first run (its baseline), computed step by step
// from each run's diff with the previous one (server/scan_diff.h), so nothing older than the
// last full result is needed:
//   a port that opens      -> port_opened, open while it stays open; closing it again resolves
//                             it (a port back to its baseline state is no finding)
//   a port that closes     -> port_closed, resolved when it opens again
//   a service that changes -> service_changed (expected = the service before), resolved when
//                             the service is back or the port closes
// Policy kinds (policy/audit.h) are the audit of the run's result: open while the audit says so.
// reconcile() turns the wanted set into transitions: a key not open yet is opened (once), an
// open key no longer wanted is resolved.
#pragma once

#include <string>
#include <vector>

#include "policy/finding.h"
#include "registry/port_registry.h"
#include "server/scan_diff.h"
#include "store/monitor_store.h"

namespace portlens::server {

bool isDiffKind(policy::FindingKind kind);

// The diff findings wanted after a run: `open` (the open diff findings before it) moved on by
// `diff` (previous run -> this run).
std::vector<policy::Finding> nextDiffFindings(const std::vector<policy::Finding>& open,
                                              const ScanDiff& diff,
                                              const registry::PortRegistry& registry);

struct Transitions {
  std::vector<store::NewFinding> opened;
  std::vector<std::int64_t> resolved;
};

// `open`: the monitor's stored open findings; `wanted`: every finding the run gives.
Transitions reconcile(const std::vector<store::FindingRow>& open,
                      const std::vector<policy::Finding>& wanted);

// The stored open findings of the diff kinds, read back (rows that do not parse are skipped).
std::vector<policy::Finding> openDiffFindings(const std::vector<store::FindingRow>& open);

// The stored open findings whose kind `skip` does not select, read back.
std::vector<policy::Finding> openFindingsExcept(const std::vector<store::FindingRow>& open,
                                                bool (*skip)(policy::FindingKind));

}  // namespace portlens::server
