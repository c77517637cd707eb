#include "scan/launcher.h"

#include <fmt/core.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "core/error.h"
#include "scan/engine.h"
#include "scan/service_detection.h"
#include "scan/syn/raw_setup.h"
#include "scan/target_space.h"
#include "scan/transports/epoll_connect_transport.h"
#include "scan/transports/uring_connect_transport.h"

namespace portlens::scan {
namespace {

// Probes in flight when the caller does not choose: enough to hide the timeouts of filtered
// ports behind other work; beyond it the kernel's connect path, not waiting, is the limit.
constexpr std::uint32_t kDefaultParallel = 4096;
// Host bookkeeping is ~100 bytes a host; a connect scan of more hosts than this is refused.
constexpr std::uint64_t kMaxConnectHosts = std::uint64_t{1} << 24;
constexpr unsigned kConnectDefaultRetries = 4;  // ~2e-4 wrong ports in 65535 at 2% loss
constexpr unsigned kSynRetryCeiling = 10;       // a cap: the measured loss decides
constexpr unsigned kConnectRetryCap = 50;

// Raises the soft RLIMIT_NOFILE to the hard limit and returns the usable soft limit.
std::uint64_t raiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

std::uint32_t chooseCapacity(std::uint32_t requested) {
  const std::uint64_t fds = raiseFileLimit();
  const std::uint64_t usable = fds > 128 ? fds - 64 : 64;  // leave room for output files etc.
  const std::uint64_t want = requested == 0 ? kDefaultParallel : requested;
  if (requested != 0 && want > usable) {
    throw core::UsageError(fmt::format(
        "{} probes in flight (--max-parallel) exceed the open-file limit ({} usable); raise "
        "`ulimit -n`",
        want, usable));
  }
  return static_cast<std::uint32_t>(std::min(want, usable));
}

std::unique_ptr<Transport> makeTransport(ConnectIo io, std::uint32_t capacity, core::Clock& clock) {
  if (io != ConnectIo::kEpoll) {
    if (auto uring = UringConnectTransport::create(capacity, clock)) return uring;
    if (io == ConnectIo::kUring) throw core::UsageError("--io uring: this kernel refuses io_uring");
  }
  return std::make_unique<EpollConnectTransport>(capacity, clock);
}

void checkConnectSize(const core::TargetSet& targets) {
  if (targets.size() > kMaxConnectHosts) {
    throw core::UsageError(fmt::format(
        "{} target hosts is more than a connect scan handles ({}); narrow the targets or use "
        "--exclude",
        targets.size(), kMaxConnectHosts));
  }
}

}  // namespace

struct PreparedScan::Engines {
  std::unique_ptr<Transport> transport;  // connect
  syn::RawScan raw;                      // SYN
};

unsigned maxRetriesCap(ScanType type) {
  return type == ScanType::kSyn ? syn::kMaxRounds - 1 : kConnectRetryCap;
}

ScanConfig configFor(const ScanRequest& request) {
  ScanConfig config;
  config.type = request.type;
  config.seed = request.seed;
  const bool syn = request.type == ScanType::kSyn;
  const unsigned retries =
      request.max_retries.value_or(syn ? kSynRetryCeiling : kConnectDefaultRetries);
  if (retries > maxRetriesCap(request.type)) {
    throw core::UsageError(
        fmt::format("--max-retries must be at most {}", maxRetriesCap(request.type)));
  }
  config.max_retries = retries;
  if (request.rate < 0) throw core::UsageError("--rate must not be negative");
  config.rate = request.rate;
  config.max_parallel = request.max_parallel;
  if (request.rtt.floor > request.rtt.ceiling) {
    throw core::UsageError("--min-rtt-timeout is above --max-rtt-timeout");
  }
  config.rtt = request.rtt;
  config.progress_interval = request.progress_interval;
  return config;
}

ScanType chooseScanType(std::optional<ScanType> requested, bool raw_sockets_available) {
  if (requested) return *requested;
  return raw_sockets_available ? ScanType::kSyn : ScanType::kConnect;
}

PreparedScan::PreparedScan(ScanConfig config, const core::TargetSet& targets,
                           const core::PortSet& ports, core::Clock& clock,
                           std::unique_ptr<Engines> engines)
    : config_(config),
      targets_(&targets),
      ports_(&ports),
      clock_(&clock),
      engines_(std::move(engines)) {}
PreparedScan::PreparedScan(PreparedScan&&) noexcept = default;
PreparedScan& PreparedScan::operator=(PreparedScan&&) noexcept = default;
PreparedScan::~PreparedScan() = default;

std::vector<std::string> PreparedScan::detectionWarnings() const {
  return detection_ ? detection_->warnings : std::vector<std::string>{};
}

const syn::SynPlan* PreparedScan::synPlan() const {
  return config_.type == ScanType::kSyn ? &engines_->raw.plan : nullptr;
}

PreparedScan prepareScan(const ScanRequest& request, const core::TargetSet& targets,
                         const core::PortSet& ports, core::Clock& clock) {
  ScanConfig config = configFor(request);
  TargetSpace::checkSize(targets.size(), ports.size());
  // The probe file first: a bad one is refused before any socket opens.
  std::shared_ptr<const DetectionSetup> detection;
  if (request.service_detection) detection = loadDetection(*request.service_detection);
  auto engines = std::make_unique<PreparedScan::Engines>();
  if (config.type == ScanType::kSyn) {
    try {
      engines->raw = syn::prepareRawScan(targets, request.route_overrides, request.shard,
                                         request.source_port, clock);
    } catch (const std::system_error& e) {
      if (e.code().value() == EPERM) {
        throw core::UsageError(
            "a SYN scan needs raw sockets: run as root or give the binary CAP_NET_RAW "
            "(setcap cap_net_raw+ep), or scan with connect");
      }
      throw;
    }
  } else {
    checkConnectSize(targets);
    config.max_parallel = chooseCapacity(request.max_parallel);
    engines->transport = makeTransport(request.io, config.max_parallel, clock);
  }
  PreparedScan prepared(config, targets, ports, clock, std::move(engines));
  prepared.detection_ = std::move(detection);
  return prepared;
}

PreparedScan::Outcome PreparedScan::run(ScanObserver& observer, const std::atomic<bool>& stop,
                                        const syn::ResumePoint* resume_from) {
  const auto started = clock_->now();
  std::optional<DetectingObserver> detecting;
  if (detection_) detecting.emplace(*detection_, observer, *clock_, stop);
  ScanObserver& engine_observer = detecting ? *detecting : observer;
  const core::TargetSet& targets = *targets_;
  const core::PortSet& ports = *ports_;
  Outcome outcome;
  if (config_.type == ScanType::kSyn) {
    outcome.syn = syn::runSynScan(config_, engines_->raw.plan, targets, ports, *engines_->raw.io,
                                  *clock_, engine_observer, stop, resume_from);
    outcome.summary = outcome.syn->summary;
  } else {
    outcome.summary =
        runScan(config_, targets, ports, *engines_->transport, *clock_, engine_observer, stop);
  }
  if (detecting) {
    detecting->finish();
    outcome.summary.interrupted = outcome.summary.interrupted || stop.load();
    outcome.summary.elapsed_seconds =
        std::chrono::duration<double>(clock_->now() - started).count();
    outcome.summary.finished = clock_->wallNow();
  }
  return outcome;
}

}  // namespace portlens::scan
