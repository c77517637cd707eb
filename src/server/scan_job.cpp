#include "server/scan_job.h"

#include <chrono>
#include <memory>
#include <system_error>
#include <vector>

#include "core/error.h"
#include "core/port_spec.h"
#include "net/privileges.h"
#include "net/reverse_names.h"
#include "scan/launcher.h"
#include "scan/target_space.h"
#include "server/resume_plan.h"

namespace portlens::server {
namespace {

constexpr std::size_t kBatch = 4096;
constexpr std::chrono::milliseconds kFlushEvery{250};

// Buffers the engine's records and commits them in batches.
class StoringObserver final : public scan::ScanObserver {
 public:
  StoringObserver(store::ScanStore& store, std::int64_t id, core::Clock& clock)
      : store_(store), id_(id), clock_(clock), last_(clock.now()) {}

  void onPort(const scan::PortRecord& record) override {
    pending_.push_back(record);
    if (pending_.size() >= kBatch || clock_.now() - last_ >= kFlushEvery) {
      flush();
    }
  }
  void onHost(const scan::HostRecord&) override {}  // counts are derived from stored rows
  void onProgress(const scan::ScanProgress& progress) override {
    probes_sent_ = base_probes_ + progress.probes_sent;
    rate_ = progress.probes_per_second;
    eta_ = progress.eta_seconds;
    flush();
  }
  void flush() {
    store_.appendResults(id_, pending_, probes_sent_, rate_, eta_);
    pending_.clear();
    last_ = clock_.now();
  }
  void setBaseProbes(std::uint64_t base) { base_probes_ = probes_sent_ = base; }
  void setFinalProbes(std::uint64_t probes) { probes_sent_ = base_probes_ + probes; }
  std::uint64_t probesSent() const { return probes_sent_; }

 private:
  store::ScanStore& store_;
  std::int64_t id_;
  core::Clock& clock_;
  std::vector<scan::PortRecord> pending_;
  core::Clock::SteadyTime last_;
  std::uint64_t base_probes_ = 0;
  std::uint64_t probes_sent_ = 0;
  double rate_ = 0;
  double eta_ = -1;
};

}  // namespace

JobResult runScanJob(store::ScanStore& store, const store::ScanRow& row,
                     const JobSettings& settings, const std::atomic<bool>& stop,
                     core::Clock& clock) {
  JobResult result;
  try {
    core::TargetSet targets = store.scanTargets(row.id);
    core::PortSet ports = core::parsePortSpec(row.ports_spec, nullptr);
    scan::TargetSpace::checkSize(targets.size(), ports.size());
    if (targets.size() <= kResumeHostLimit) {
      auto plan = planResume(targets, ports, store.donePorts(row.id));
      targets = std::move(plan.targets);
      ports = std::move(plan.ports);
    }
    if (settings.reverse_dns) net::nameTargetsByReverseLookup(targets, {});
    StoringObserver observer(store, row.id, clock);
    observer.setBaseProbes(row.probes_sent);
    if (!targets.empty() && !ports.empty()) {
      scan::ScanRequest request;
      request.type = row.mode;
      request.seed = row.seed + row.attempts;  // a resumed run walks a fresh order
      request.max_parallel = settings.probes_in_flight;
      request.rate = row.rate;
      request.progress_interval = std::chrono::milliseconds(500);
      // -sV with the CLI's defaults (intensity 7, our probe file); open ports reach the store
      // once identified, so live records carry their service fields.
      if (row.service_detection) request.service_detection = scan::ServiceDetectionRequest{};
      // The SYN runner holds CAP_NET_RAW permitted but not effective: raised on this thread
      // only while the scan opens its raw sockets (net/privileges.h).
      scan::PreparedScan prepared = [&] {
        const net::RawSocketCapability raw_sockets;
        return scan::prepareScan(request, targets, ports, clock);
      }();
      const scan::ScanSummary summary = prepared.run(observer, stop).summary;
      observer.setFinalProbes(summary.probes_sent);
      observer.flush();
      if (summary.interrupted) result.outcome = JobOutcome::kStopped;
    }
    result.probes_sent = observer.probesSent();
  } catch (const std::exception& e) {
    result.outcome = JobOutcome::kFailed;
    result.error = e.what();
  }
  return result;
}

}  // namespace portlens::server
