// A scan worker: registers in the store (workers row), heartbeats, leases shards
// (store/shard_store.h) and runs them (shard_job.h) on `max_scans` threads, each with its own
// store connection. `portlens worker` runs one; `serve --workers N` runs one inside the server.
//
// Threads: start()/stop()/wake()/cancel() are called by the owner; the runner threads lease
// and run shards; one heartbeat thread renews the leases every third of the lease length,
// reports probes/s, stops shards whose lease was lost or whose scan is being cancelled, and
// sweeps cancelled scans nobody holds. On PostgreSQL one more thread listens on kShardsChannel
// (LISTEN portlens_shards, notified when a scan's shards are queued, from any process) and
// wakes the idle runners, so a scan starts within milliseconds instead of at their next poll;
// a lost listening connection is reopened after a second, the runners polling meanwhile. On
// SQLite there are no notifications: whoever queues in this process calls wake() (serve's API
// and monitor scheduler), other processes' scans start at the next poll.
// stop() is the graceful shutdown: running shards stop,
// their records so far are committed and their leases released, so another worker continues
// them at once. A killed worker's leases run out after lease_ms and are taken over then.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "store/shard_store.h"
#include "worker/shard_job.h"

namespace portlens::worker {

// How a leased shard ended, for the owner's logs and metrics.
enum class ShardEnd {
  kShardDone,  // done; other shards of the scan remain
  kScanDone,   // done, and it was the last: this worker finished the scan
  kFailed,     // the run failed: the scan failed
  kCancelled,  // stopped by a cancel: the scan is cancelled
  kReleased,   // stopped by shutdown: back to the queue
  kLost,       // its lease was taken over by another worker
};
std::string_view toString(ShardEnd end);

struct WorkerOptions {
  store::WorkerInfo info;
  unsigned max_scans = 1;  // shards run at once
  RunSettings run;
  std::chrono::milliseconds poll{1000};  // an idle runner looks for work this often
  // Called on a runner thread: a scan's first shard was leased here (it became running), and
  // a shard ended. May be empty.
  std::function<void(const store::ScanRow&)> on_scan_started;
  std::function<void(const store::ScanRow&, const store::Lease&, ShardEnd, const ShardResult&)>
      on_shard_end;
};

class Worker {
 public:
  // `db` is the store's path; `clock` times everything (lease deadlines are its wall time).
  Worker(std::string db, WorkerOptions options, core::Clock& clock);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Registers the worker (throws StoreError when the store cannot be opened) and starts the
  // threads. With max_scans 0 nothing is started. Returns how many shards an earlier run of
  // this name still held (released now: continued at once, here or elsewhere).
  int start();
  void stop();
  // Work was queued: an idle runner looks at once instead of at its next poll.
  void wake();
  // Stops this worker's shards of scan `id`; the store already says cancel_requested.
  void cancel(std::int64_t id);

 private:
  struct Running {
    std::int64_t scan_id = 0;
    std::int64_t shard_index = 0;
    std::atomic<bool> stop{false};
    std::atomic<double> rate{0};
    bool cancelled = false;  // guarded by mutex_
    bool lost = false;       // guarded by mutex_
  };
  // A runner's last scan: its shards follow one another, and what a shard reads of the scan
  // (mode, ports, seed, rate, the targets: a decoded JSON column, large for big scans) never
  // changes, so it is read once per scan, not once per shard (two round trips on PostgreSQL).
  // Scan ids are never used again (AUTOINCREMENT, identity), so the id is the key.
  struct ScanCache {
    std::optional<store::ScanRow> row;
    core::TargetSet targets;
  };
  void runnerLoop();
  void heartbeatLoop();
  void listenLoop();
  void runLease(store::ScanStore& store, const store::Lease& lease, ScanCache& cache);
  bool waitIdle(std::uint64_t seen_wakes);

  std::string db_;
  WorkerOptions options_;
  core::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::uint64_t wake_count_ = 0;
  std::vector<std::shared_ptr<Running>> running_;
  std::vector<std::thread> threads_;
};

}  // namespace portlens::worker
