// Runs one stored scan through the scan launcher (scan/launcher.h: connect or SYN, as the
// row's mode says), writing every port record to the store as it goes (batched: one transaction per
// ~250 ms or 4,096 records), so a stopped or crashed server keeps what was found. A scan that
// already has results (it was interrupted) is resumed: hosts with every port stored are skipped,
// and of the rest only ports not yet stored on some host are probed again; INSERT OR IGNORE keeps
// first answers. Runs on the calling (job worker) thread; `stop` ends it early.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "core/clock.h"
#include "scan/records.h"
#include "store/scan_store.h"

namespace portlens::server {

class ServerLog;

enum class JobOutcome { kFinished, kStopped, kFailed };

struct JobResult {
  JobOutcome outcome = JobOutcome::kFinished;
  std::string error;
  std::uint64_t probes_sent = 0;
};

// What every job of one server shares.
struct JobSettings {
  std::uint32_t probes_in_flight = 0;  // per job; 0 = the launcher's default (fd-bounded)
  // Name targets given as addresses by their reverse names before the scan (small scans
  // only, within a deadline: net/reverse_names.h).
  bool reverse_dns = true;
  // Called on the worker after a job's final status (and a monitor run's finding events) is
  // committed: serve wakes the alert dispatcher with it, so alerts leave without waiting for
  // its next poll. Empty = nothing.
  std::function<void()> after_finish;
  ServerLog* log = nullptr;  // scan start and end lines (server_log.h); none when null
  // The scan types this server's runner claims from the queue; empty = every type. When
  // serve starts as root it runs SYN scans in a separate runner process ({kSyn}) and its
  // own runner takes the rest ({kConnect}): see cli/syn_runner.h.
  std::set<scan::ScanType> scan_types{};
};

JobResult runScanJob(store::ScanStore& store, const store::ScanRow& row,
                     const JobSettings& settings, const std::atomic<bool>& stop,
                     core::Clock& clock);

}  // namespace portlens::server
