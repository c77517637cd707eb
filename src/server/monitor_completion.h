// The end of a job, for every scan: a plain scan is finished as before; a monitor's run is
// finished together with what it changed, in one transaction (the scan's final status, new and
// resolved findings with their finding_events rows, the monitor's last full result and removal
// of the previous one's port rows), so a crash loses nothing and doubles nothing: either all of
// it is committed or the scan is still `running` and is resumed and completed after restart.
//
// Called by the job workers (job_runner.cpp) on their own store connection; reads the run's
// and the previous run's records before taking the write lock. Errors throw StoreError.
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
