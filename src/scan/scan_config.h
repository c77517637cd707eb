// Everything an engine needs to know about how to scan, built by the launcher
// (scan/launcher.h: configFor, from the caller's typed ScanRequest) and passed by const
// reference. Defaults are the measured ones (see docs/architecture.md, "Connect scanning").
#pragma once

#include <chrono>
#include <cstdint>

#include "scan/records.h"
#include "scan/rtt_estimator.h"

namespace portlens::scan {

struct ScanConfig {
  ScanType type = ScanType::kConnect;
  std::uint64_t seed = 0;
  // Extra probes for a port that stays silent. At 2% loss, 2 retries leave ~0.5 wrong ports
  // in a full 65535-port scan (65535 x 0.02^3); 4 leave ~2e-4.
  unsigned max_retries = 4;
  double rate = 0;                 // probes per second; 0 = as fast as answers allow
  std::uint32_t max_parallel = 0;  // probes in flight; 0 = chosen from the fd limit
  RttLimits rtt;
  std::chrono::milliseconds progress_interval{1000};
};

struct ScanProgress {
  std::uint64_t ports_done = 0;
  std::uint64_t ports_total = 0;
  std::uint64_t probes_sent = 0;
  std::uint64_t open_found = 0;
  double elapsed_seconds = 0;
  double probes_per_second = 0;  // over the last interval
  double eta_seconds = -1;       // -1 when unknown
};

// Receives the engine's records, on the engine's thread.
class ScanObserver {
 public:
  virtual ~ScanObserver() = default;
  // Every port's final state (the observer filters what it shows).
  virtual void onPort(const PortRecord& record) = 0;
  // A host whose ports all have a final state; after an interrupt, also every host with at
  // least one final port, so buffered formats keep what was found.
  virtual void onHost(const HostRecord& record) = 0;
  virtual void onProgress(const ScanProgress&) {}
};

}  // namespace portlens::scan
