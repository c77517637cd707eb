// The one way to start a scan. The CLI, the server's jobs (and later the workers) build a typed
// ScanRequest and hand it here; none of them picks an engine, a transport or a default. The
// launcher applies the defaults (retries per scan type, probes in flight from the fd limit),
// opens what the scan needs while the caller still holds its privileges (raw sockets and
// routes for SYN, the io_uring or epoll transport for connect) and runs the right engine.
//
// Two steps, because callers must act between them: `prepareScan` opens sockets (needs
// CAP_NET_RAW for SYN), then the caller drops privileges, opens its output and installs its
// stop signal, then `PreparedScan::run` scans on the calling thread.
// Errors: core::UsageError for a request that cannot run as asked (bad retries, no route,
// --max-parallel above the fd limit, io_uring asked but refused, a bad --service-probes file as
// FILE:LINE:COLUMN); std::system_error for what
// the system refuses (EPERM without CAP_NET_RAW).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/port_set.h"
#include "core/target_set.h"
#include "scan/records.h"
#include "scan/rtt_estimator.h"
#include "scan/scan_config.h"
#include "scan/shard.h"
#include "scan/syn/route_plan.h"
#include "scan/syn/syn_engine.h"

namespace portlens::scan {

// How the connect engine waits for its sockets: io_uring when the kernel allows it (measured
// faster, docs/architecture.md), else epoll; or one of them on demand.
enum class ConnectIo : std::uint8_t { kAuto, kEpoll, kUring };

// -sV: identify the services of open ports (detect/). Probing starts as ports are found and
// runs on a thread of its own; see scan/service_detection.h for how records are held.
struct ServiceDetectionRequest {
  int intensity = 7;       // 0-9: probes up to this rarity (--version-light 2, --version-all 9)
  std::string probe_file;  // "" = our data/service-probes, compiled in
  std::size_t max_ports = 256;                      // ports in detection at once
  std::size_t max_ports_per_host = 8;               // ... and per host
  std::chrono::milliseconds connect_timeout{3000};  // per connection, TLS handshake included
};

struct DetectionSetup;

struct ScanRequest {
  ScanType type = ScanType::kConnect;
  std::uint64_t seed = 0;
  // Unset: the type's default (connect 4: enough at 2% loss; SYN 10, a cap, the measured loss
  // deciding how many rounds run).
  std::optional<unsigned> max_retries;
  double rate = 0;                 // probes per second; 0 = as fast as answers allow
  std::uint32_t max_parallel = 0;  // probes in flight; 0 = the default, bounded by the fd limit
  RttLimits rtt;
  std::chrono::milliseconds progress_interval{1000};
  ConnectIo io = ConnectIo::kAuto;  // connect scans only
  // SYN scans only: what the kernel's routes would otherwise decide, the shard, and one fixed
  // source port instead of a round-numbered range.
  syn::RouteOverrides route_overrides;
  Shard shard;
  std::optional<std::uint16_t> source_port;
  std::optional<ServiceDetectionRequest> service_detection;
};

// The retry cap of each type: SYN rounds are told apart by the engine's source ports, so at
// most kMaxRounds - 1 retries; connect scans are bounded only to keep a typo from running forever.
unsigned maxRetriesCap(ScanType type);

// The engine configuration the request stands for, defaults applied and checked. Pure: no
// socket is opened (a dry run uses it too).
ScanConfig configFor(const ScanRequest& request);

// SYN when the caller asked for it or may open raw sockets; the caller says which it chose.
ScanType chooseScanType(std::optional<ScanType> requested, bool raw_sockets_available);

// A scan whose sockets are open. Move-only; owns the transport or the raw sockets (and the
// source ports it holds) until it is destroyed.
class PreparedScan {
 public:
  PreparedScan(PreparedScan&&) noexcept;
  PreparedScan& operator=(PreparedScan&&) noexcept;
  ~PreparedScan();

  ScanType type() const { return config_.type; }
  const ScanConfig& config() const { return config_; }
  // SYN only (null for connect): the resolved plan, for resume fingerprints.
  const syn::SynPlan* synPlan() const;
  // -sV: what the probe file's loading found worth a warning (patterns that do not compile).
  std::vector<std::string> detectionWarnings() const;

  struct Outcome {
    ScanSummary summary;
    std::optional<syn::SynResult> syn;  // SYN scans: rounds, rates, the resume point
  };
  // Scans the targets and ports given to prepareScan on the calling thread until done or
  // `stop`. `resume_from` applies to SYN scans only. Call once. With service detection, the
  // prober's thread starts here (so after the caller dropped its privileges), open ports reach
  // `observer` once identified (on this thread), and run() returns when every open port is
  // identified, or at `stop` with what is known.
  Outcome run(ScanObserver& observer, const std::atomic<bool>& stop,
              const syn::ResumePoint* resume_from = nullptr);

 private:
  struct Engines;
  PreparedScan(ScanConfig config, const core::TargetSet& targets, const core::PortSet& ports,
               core::Clock& clock, std::unique_ptr<Engines> engines);
  friend PreparedScan prepareScan(const ScanRequest&, const core::TargetSet&, const core::PortSet&,
                                  core::Clock&);

  ScanConfig config_;
  const core::TargetSet* targets_;
  const core::PortSet* ports_;
  core::Clock* clock_;
  std::unique_ptr<Engines> engines_;
  std::shared_ptr<const DetectionSetup> detection_;
};

// Checks the scan's size and opens what the request's scan needs for these targets and ports.
// Blocking; call on the thread that will run the scan, before privileges are dropped. Both
// sets must outlive the PreparedScan; the caller may still name hosts (reverse lookups) in
// `targets` before run(). The engines read time only from `clock`, which must outlive the scan.
PreparedScan prepareScan(const ScanRequest& request, const core::TargetSet& targets,
                         const core::PortSet& ports, core::Clock& clock);

}  // namespace portlens::scan
