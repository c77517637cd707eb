// What the front end does for a finished scan, whoever ran it (an in-process runner or a
// `portlens worker` elsewhere): a finished scan has scans.completion_pending = 1
// (store/shard_store.h); for a monitor's run that ended `done`, its findings (new and resolved,
// with their finding_events rows: the alert outbox), the monitor's last full result and removal
// of the previous one's port rows are written in one transaction that also clears the flag, so
// each run's findings and alerts happen exactly once even with several front ends: a crash
// before the commit leaves the flag set and the next sweep does it.
//
// Called by the server's completion sweeper (job_runner.h) on its own store connection; reads
// the run's and the previous run's records before taking the write lock. Errors throw
// StoreError.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/target_spec.h"
#include "policy/finding.h"
#include "registry/port_registry.h"
#include "store/monitor_store.h"
#include "store/scan_store.h"

namespace portlens::server {

// Completes one finished scan (its completion_pending flag set; see above). Returns the
// monitor's full result this run replaced (0: none): its port rows are left for the caller to
// drop (store::MonitorStore::dropReplacedResults) once the run's alerts are on their way, as
// deleting them holds the write lock long (256,000 rows for a /24 x 1000).
std::int64_t completeScan(store::ScanStore& store, const store::ScanRow& row,
                          const registry::PortRegistry& registry);

struct CompletedScans {
  std::size_t count = 0;
  std::vector<std::int64_t> replaced;  // full results to drop (see completeScan)
};
// Completes every finished scan with the flag set (at most 100 per call).
CompletedScans completeFinishedScans(store::ScanStore& store,
                                     const registry::PortRegistry& registry);

// Finishes a scan with `status`, completes it and drops what it replaced at once (tests and
// single-process callers).
void finishJob(store::ScanStore& store, const store::ScanRow& row, store::ScanStatus status,
               const std::string& error, std::uint64_t probes_sent,
               const registry::PortRegistry& registry);

// The events' `monitor` object: id, name, targets, ports, mode (no secrets: alert
// destinations and the policy text stay out).
std::string monitorEventJson(const store::MonitorRow& monitor);

// The policy kinds of one run: the audit of `records` against the monitor's policy text (""
// = none: no findings). nullopt when the policy cannot be evaluated now (a hostname entry no
// longer resolves): the caller keeps the audit's open findings as they are.
std::optional<std::vector<policy::Finding>> auditRun(const std::string& policy_yaml,
                                                     const std::vector<scan::PortRecord>& records,
                                                     std::chrono::system_clock::time_point now,
                                                     const core::HostResolver& resolver);

}  // namespace portlens::server
