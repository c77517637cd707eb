#include "worker/worker.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>

#include "store/change_listener.h"

namespace portlens::worker {
namespace {}  // namespace

std::string_view toString(ShardEnd end) {
  switch (end) {
    case ShardEnd::kShardDone:
      return "shard_done";
    case ShardEnd::kScanDone:
      return "scan_done";
    case ShardEnd::kFailed:
      return "failed";
    case ShardEnd::kCancelled:
      return "cancelled";
    case ShardEnd::kReleased:
      return "released";
    case ShardEnd::kLost:
      return "lost";
  }
  return "failed";
}

Worker::Worker(std::string db, WorkerOptions options, core::Clock& clock)
    : db_(std::move(db)), options_(std::move(options)), clock_(clock) {}

Worker::~Worker() { stop(); }

int Worker::start() {
  if (options_.max_scans == 0) return 0;
  int released = 0;
  {
    store::ScanStore store(db_, clock_);
    released = store::ShardStore(store).registerWorker(options_.info);
  }
  std::lock_guard lock(mutex_);
  stopping_ = false;
  for (unsigned i = 0; i < options_.max_scans; ++i) {
    threads_.emplace_back([this] { runnerLoop(); });
  }
  threads_.emplace_back([this] { heartbeatLoop(); });
  if (store::isPostgresUrl(db_)) threads_.emplace_back([this] { listenLoop(); });
  return released;
}

void Worker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& run : running_) run->stop.store(true);
  }
  wakeup_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

void Worker::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_count_;
  }
  wakeup_.notify_all();
}

void Worker::cancel(std::int64_t id) {
  std::lock_guard lock(mutex_);
  for (auto& run : running_) {
    if (run->scan_id == id) {
      run->cancelled = true;
      run->stop.store(true);
    }
  }
}

bool Worker::waitIdle(std::uint64_t seen_wakes) {
  std::unique_lock lock(mutex_);
  wakeup_.wait_for(lock, options_.poll, [&] { return stopping_ || wake_count_ != seen_wakes; });
  return !stopping_;
}

void Worker::runnerLoop() {
  std::unique_ptr<store::ScanStore> store;
  ScanCache cache;
  while (true) {
    std::uint64_t seen_wakes = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen_wakes = wake_count_;
    }
    try {
      if (!store) store = std::make_unique<store::ScanStore>(db_, clock_);
      auto lease = store::ShardStore(*store).lease(options_.info);
      if (lease) {
        runLease(*store, *lease, cache);
        if (!store->database().healthy()) store.reset();
        continue;
      }
    } catch (const std::exception& e) {
      // The store failed (locked too long, disk full, database removed): a lease held stays
      // until it runs out; this runner tries again after a poll on a new connection.
      fmt::print(stderr, "portlens worker {}: runner: {}\n", options_.info.name, e.what());
      store.reset();
    }
    if (!waitIdle(seen_wakes)) return;
  }
}

void Worker::runLease(store::ScanStore& store, const store::Lease& lease, ScanCache& cache) {
  store::ShardStore shards(store);
  if (!cache.row || cache.row->id != lease.scan_id) {
    cache.row.reset();  // a failed read below leaves no stale entry
    auto row = store.scan(lease.scan_id);
    if (!row) return;
    cache.targets = store.scanTargets(row->id);
    cache.row = std::move(row);
  }
  const store::ScanRow& row = *cache.row;
  auto run = std::make_shared<Running>();
  run->scan_id = lease.scan_id;
  run->shard_index = lease.shard_index;
  {
    std::lock_guard lock(mutex_);
    running_.push_back(run);
    if (stopping_) run->stop.store(true);
  }
  if (lease.first_lease && options_.on_scan_started) options_.on_scan_started(row);
  const ShardResult result =
      runShard(store, row, cache.targets, lease, options_.run, run->stop, clock_, &run->rate);
  bool cancelled = false;
  bool lost = false;
  {
    std::lock_guard lock(mutex_);
    running_.erase(std::find(running_.begin(), running_.end(), run));
    cancelled = run->cancelled;
    lost = run->lost;
  }
  if (!cancelled && result.outcome == ShardOutcome::kStopped) {
    if (auto now = store.scan(lease.scan_id)) cancelled = now->cancel_requested;
  }
  ShardEnd end = ShardEnd::kReleased;
  if (result.outcome == ShardOutcome::kConnectionLost) {
    // Nothing to write on a lost connection (and failing the scan would be wrong): this
    // runner no longer heartbeats the shard, so its lease runs out and the shard is leased
    // again; the runner reopens its store.
    fmt::print(stderr, "portlens worker {}: scan {} shard {}: {}\n", options_.info.name,
               lease.scan_id, lease.shard_index, result.error);
    end = ShardEnd::kLost;
  } else if (result.outcome == ShardOutcome::kFailed) {
    shards.failScan(lease.scan_id, result.error);
    end = ShardEnd::kFailed;
  } else if (result.outcome == ShardOutcome::kFinished) {
    switch (shards.completeShard(lease, options_.info.name, result.final_records,
                                 result.final_probes)) {
      case store::ShardEnd::kLost:
        end = ShardEnd::kLost;
        break;
      case store::ShardEnd::kShardDone:
        end = ShardEnd::kShardDone;
        break;
      case store::ShardEnd::kScanDone:
        end = ShardEnd::kScanDone;
        break;
    }
  } else if (cancelled) {
    shards.cancelScan(lease.scan_id);
    end = ShardEnd::kCancelled;
  } else if (lost) {
    end = ShardEnd::kLost;
  } else {
    shards.releaseShard(lease, options_.info.name);
  }
  if (options_.on_shard_end) options_.on_shard_end(row, lease, end, result);
}

void Worker::listenLoop() {
  // wait() blocks on the listening socket at most this long, so stop() is seen soon.
  constexpr std::chrono::milliseconds kTick{100};
  std::unique_ptr<store::ChangeListener> listener;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    try {
      if (!listener) {
        listener = std::make_unique<store::ChangeListener>(db_, store::kShardsChannel);
        wake();  // shards queued while no one listened
      }
      if (!listener->wait(kTick).empty()) wake();
    } catch (const std::exception& e) {
      fmt::print(stderr, "portlens worker {}: listening for queued shards: {}\n",
                 options_.info.name, e.what());
      listener.reset();
      std::unique_lock lock(mutex_);
      if (wakeup_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; })) return;
    }
  }
}

void Worker::heartbeatLoop() {
  const auto every =
      std::chrono::milliseconds(std::max<std::int64_t>(options_.info.lease_ms / 3, 50));
  std::unique_ptr<store::ScanStore> store;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (wakeup_.wait_for(lock, every, [&] { return stopping_; })) return;
    }
    try {
      if (!store) store = std::make_unique<store::ScanStore>(db_, clock_);
      store::ShardStore shards(*store);
      std::vector<std::pair<std::int64_t, std::int64_t>> held;
      double rate = 0;
      {
        std::lock_guard lock(mutex_);
        for (const auto& run : running_) {
          held.emplace_back(run->scan_id, run->shard_index);
          rate += run->rate.load();
        }
      }
      const auto lost = shards.heartbeat(options_.info, rate, held);
      // Cancels reach the runner that holds the scan here, wherever the API ran.
      std::vector<std::int64_t> cancelled;
      for (const auto& [scan_id, index] : held) {
        if (auto row = store->scan(scan_id); row && row->cancel_requested) {
          cancelled.push_back(scan_id);
        }
      }
      {
        std::lock_guard lock(mutex_);
        for (auto& run : running_) {
          const std::pair key{run->scan_id, run->shard_index};
          if (std::find(lost.begin(), lost.end(), key) != lost.end()) {
            run->lost = true;
            run->stop.store(true);
          }
          if (std::find(cancelled.begin(), cancelled.end(), run->scan_id) != cancelled.end()) {
            run->cancelled = true;
            run->stop.store(true);
          }
        }
      }
      shards.sweepCancelled();
    } catch (const std::exception& e) {
      fmt::print(stderr, "portlens worker {}: heartbeat: {}\n", options_.info.name, e.what());
      store.reset();  // reopened next time
    }
  }
}

}  // namespace portlens::worker
