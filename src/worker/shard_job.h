// Runs one leased shard through the scan launcher (scan/launcher.h: connect or SYN, as the
// scan's mode says): the shard's rectangle of the scan's hosts x ports (store/shard_plan.h),
// records committed as it goes (one transaction per ~250 ms or 4,096 records), so a stopped or
// killed worker keeps what it found. A shard leased before (its worker died or stopped)
// continues: hosts with every port stored are skipped, and of the rest only ports not yet
// stored on some host are probed (resume_plan.h); the store keeps first answers.
// Runs on the calling thread; `stop` ends it early.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/scan_store.h"
#include "store/shard_store.h"

namespace portlens::worker {

enum class ShardOutcome { kFinished, kStopped, kFailed, kConnectionLost };

struct ShardResult {
  ShardOutcome outcome = ShardOutcome::kFinished;
  std::string error;
  std::uint64_t probes_sent = 0;  // this run's own
  // From the lease's start here to the engine's end (final records not yet stored): the
  // worker's log shows it, and the gaps between shards are the lease and store overhead.
  std::chrono::milliseconds elapsed{0};
  // kFinished: the last records and probes, not yet stored; the caller stores them with the
  // shard's completion (ShardStore::completeShard), one transaction instead of two.
  std::vector<scan::PortRecord> final_records;
  std::uint64_t final_probes = 0;
};

// What every shard run of one worker shares.
struct RunSettings {
  std::uint32_t probes_in_flight = 0;  // per shard; 0 = the launcher's default (fd-bounded)
  // Name targets given as addresses by their reverse names before the scan (small scans
  // only, within a deadline: net/reverse_names.h).
  bool reverse_dns = true;
};

// `targets` are the scan's (ScanStore::scanTargets), read once per scan by the caller rather
// than once per shard. `rate` (may be null) is kept at the shard's current probes per second,
// for heartbeats.
ShardResult runShard(store::ScanStore& store, const store::ScanRow& row,
                     const core::TargetSet& targets, const store::Lease& lease,
                     const RunSettings& settings, const std::atomic<bool>& stop, core::Clock& clock,
                     std::atomic<double>* rate = nullptr);

}  // namespace portlens::worker
