#include "worker/shard_job.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/port_spec.h"
#include "net/privileges.h"
#include "net/reverse_names.h"
#include "scan/launcher.h"
#include "scan/target_space.h"
#include "store/database.h"
#include "worker/resume_plan.h"

namespace portlens::worker {
namespace {

constexpr std::size_t kBatch = 4096;
constexpr std::chrono::milliseconds kFlushEvery{250};

// Buffers the engine's records and commits them in batches, with the probes sent since the
// last commit (shards of one scan add theirs to the same row). The commits run on a thread of
// their own, on the runner's store connection (the runner does not touch it while the engine
// runs): a commit is several round trips, and made on the engine's thread it held back the
// probes of a rate-limited shard (500 probes at 500/s took 1.05-1.2 s, bench/workers.sh).
// The engine's thread decides when to commit (its clock); the committer only waits for work.
class StoringObserver final : public scan::ScanObserver {
 public:
  StoringObserver(store::ShardStore& shards, const store::Lease& lease, core::Clock& clock,
                  std::atomic<double>* rate)
      : shards_(shards), lease_(lease), clock_(clock), rate_out_(rate), last_(clock.now()) {
    committer_ = std::thread([this] { commitLoop(); });
  }
  ~StoringObserver() override { joinCommitter(); }  // an error is the caller's only if asked
  StoringObserver(const StoringObserver&) = delete;
  StoringObserver& operator=(const StoringObserver&) = delete;

  void onPort(const scan::PortRecord& record) override {
    std::lock_guard lock(mutex_);
    throwCommitError();
    pending_.push_back(record);
    if (pending_.size() >= kBatch || clock_.now() - last_ >= kFlushEvery) requestCommit();
  }
  void onHost(const scan::HostRecord&) override {}  // counts are derived from stored rows
  void onProgress(const scan::ScanProgress& progress) override {
    std::lock_guard lock(mutex_);
    throwCommitError();
    probes_sent_ = progress.probes_sent;
    rate_ = progress.probes_per_second;
    if (rate_out_ != nullptr) rate_out_->store(rate_);
    requestCommit();
  }
  void setFinalProbes(std::uint64_t probes) {
    std::lock_guard lock(mutex_);
    probes_sent_ = std::max(probes_sent_, probes);
  }
  // Ends the committer (what it took is committed) and stores the rest now, on this thread.
  // Rethrows what a commit threw.
  void flush() {
    stopCommitter();
    commit();
  }
  // Ends the committer; what flush() would still store is handed to the caller instead
  // (stored with the completion).
  void takePending(ShardResult& result) {
    stopCommitter();
    result.final_records = std::move(pending_);
    result.final_probes = probes_sent_ - committed_probes_;
    committed_probes_ = probes_sent_;
    pending_.clear();
  }
  std::uint64_t probesSent() const {
    std::lock_guard lock(mutex_);
    return probes_sent_;
  }

 private:
  // A failed commit (ConnectionLost, a busy database) ends the shard at the engine's next
  // record, as a commit made on the engine's thread did: probing on would only pile up records
  // that cannot be stored while the heartbeat keeps the lease. mutex_ held.
  void throwCommitError() const {
    if (error_) std::rethrow_exception(error_);
  }
  void requestCommit() {  // mutex_ held
    commit_requested_ = true;
    last_ = clock_.now();
    wake_.notify_one();
  }
  void commitLoop() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return commit_requested_ || stopping_; });
      if (stopping_) return;
      commit_requested_ = false;
      lock.unlock();
      try {
        commit();
      } catch (...) {
        lock.lock();
        error_ = std::current_exception();
        return;  // no more commits: the shard ends with the error (ConnectionLost, ...)
      }
      lock.lock();
    }
  }
  // Takes what is pending and commits it (mutex_ not held).
  void commit() {
    std::vector<scan::PortRecord> records;
    std::uint64_t delta = 0;
    double rate = 0;
    {
      std::lock_guard lock(mutex_);
      records.swap(pending_);
      delta = probes_sent_ - committed_probes_;
      committed_probes_ = probes_sent_;
      rate = rate_;
    }
    shards_.appendShardResults(lease_, records, delta, rate);
  }
  void joinCommitter() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (committer_.joinable()) committer_.join();
  }
  void stopCommitter() {
    joinCommitter();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

  store::ShardStore& shards_;
  const store::Lease& lease_;
  core::Clock& clock_;
  std::atomic<double>* rate_out_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::thread committer_;
  bool commit_requested_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::vector<scan::PortRecord> pending_;
  core::Clock::SteadyTime last_;
  std::uint64_t probes_sent_ = 0;
  std::uint64_t committed_probes_ = 0;
  double rate_ = 0;
};

}  // namespace

ShardResult runShard(store::ScanStore& store, const store::ScanRow& row,
                     const core::TargetSet& all_targets, const store::Lease& lease,
                     const RunSettings& settings, const std::atomic<bool>& stop, core::Clock& clock,
                     std::atomic<double>* rate) {
  ShardResult result;
  const auto started = clock.now();
  try {
    const core::PortSet all_ports = core::parsePortSpec(row.ports_spec, nullptr);
    scan::TargetSpace::checkSize(all_targets.size(), all_ports.size());
    core::TargetSet targets =
        store::hostSlice(all_targets, lease.range.host_begin, lease.range.host_end);
    core::PortSet ports = store::portSlice(all_ports, lease.range.port_begin, lease.range.port_end);
    // Leased before: continue from what is stored (a fresh shard has nothing to skip).
    if (lease.leases > 1 && targets.size() <= kResumeHostLimit) {
      auto plan = planResume(targets, ports, store.donePorts(row.id));
      targets = std::move(plan.targets);
      ports = std::move(plan.ports);
    }
    if (settings.reverse_dns) net::nameTargetsByReverseLookup(targets, {});
    store::ShardStore shards(store);
    StoringObserver observer(shards, lease, clock, rate);
    if (!targets.empty() && !ports.empty()) {
      scan::ScanRequest request;
      request.type = row.mode;
      // Each shard, and each new lease of it, walks its own order.
      request.seed = row.seed +
                     static_cast<std::uint64_t>(lease.shard_index) * 0x9e3779b97f4a7c15ULL +
                     static_cast<std::uint64_t>(lease.leases);
      request.max_parallel = settings.probes_in_flight;
      request.rate = row.rate;
      request.progress_interval = std::chrono::milliseconds(500);
      // -sV with the CLI's defaults (intensity 7, our probe file); open ports reach the store
      // once identified, so live records carry their service fields.
      if (row.service_detection) request.service_detection = scan::ServiceDetectionRequest{};
      // A SYN worker started by serve holds CAP_NET_RAW permitted but not effective: raised on
      // this thread only while the scan opens its raw sockets (net/privileges.h).
      scan::PreparedScan prepared = [&] {
        const net::RawSocketCapability raw_sockets;
        return scan::prepareScan(request, targets, ports, clock);
      }();
      const scan::ScanSummary summary = prepared.run(observer, stop).summary;
      observer.setFinalProbes(summary.probes_sent);
      if (summary.interrupted) {
        result.outcome = ShardOutcome::kStopped;
        observer.flush();
      } else {
        observer.takePending(result);
      }
    }
    result.probes_sent = observer.probesSent();
  } catch (const store::ConnectionLost& e) {
    // PostgreSQL went away (a restart): not the scan's fault. The lease runs out and the shard
    // continues from what was stored, here or on another worker.
    result.outcome = ShardOutcome::kConnectionLost;
    result.error = e.what();
  } catch (const std::exception& e) {
    result.outcome = ShardOutcome::kFailed;
    result.error = e.what();
  }
  if (rate != nullptr) rate->store(0);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - started);
  return result;
}

}  // namespace portlens::worker
