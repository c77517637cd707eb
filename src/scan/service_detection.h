// The launcher's side of -sV: loading the probe file once (prepareScan), and the observer that
// sits between the engine and the caller's observer while the prober identifies open ports.
//
// DetectingObserver: the engine calls it on the engine's thread. Records of open ports are
// held and handed to the prober (its own thread, started by the constructor); closed and
// filtered ports go through at once. A host's held records, then its HostRecord, are
// forwarded once its open ports are identified, always on the engine's thread (during a later
// engine callback, or in finish()), so the caller's observer sees one thread as before.
// After `stop` (Ctrl-C), probing ends and the held records are forwarded with what is known.
// Part of portlens_scan_launcher (above both scan and detect).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "detect/pattern_set.h"
#include "detect/probe_database.h"
#include "detect/service_prober.h"
#include "registry/port_registry.h"
#include "scan/launcher.h"
#include "scan/scan_config.h"

namespace portlens::scan {

// The probe file parsed and compiled, and the prober's options: built once per scan.
struct DetectionSetup {
  detect::ProbeDatabase db;
  std::unique_ptr<detect::PatternSet> patterns;
  detect::ProberOptions options;
  registry::PortRegistry table = registry::PortRegistry::builtin();
  std::vector<std::string> warnings;  // patterns of a user's file that do not compile
};

// Reads and checks the probe file (ours built in, or request.probe_file). Throws
// core::UsageError "FILE:LINE:COLUMN: ..." for a bad file, or a bad intensity.
std::shared_ptr<const DetectionSetup> loadDetection(const ServiceDetectionRequest& request);

class DetectingObserver : public ScanObserver {
 public:
  DetectingObserver(const DetectionSetup& setup, ScanObserver& downstream, core::Clock& clock,
                    const std::atomic<bool>& stop);
  // Stops the prober if finish() was not reached (the engine threw) and joins its thread.
  ~DetectingObserver() override;

  void onPort(const PortRecord& record) override;
  void onHost(const HostRecord& record) override;
  void onProgress(const ScanProgress& progress) override;

  // The engine is done: waits for the detections still running (or `stop`), forwards
  // everything held. Engine thread. Rethrows what the prober's thread threw (std::system_error
  // when epoll cannot be set up).
  void finish();

 private:
  struct HeldHost {
    std::size_t pending = 0;
    std::optional<HostRecord> record;
  };

  void forwardReady();
  void forward(const detect::ProbeReport& report);

  const DetectionSetup& setup_;
  ScanObserver& downstream_;
  const std::atomic<bool>& stop_;
  std::atomic<bool> halt_{false};
  std::atomic<bool> prober_returned_{false};  // its thread is done: no more reports
  detect::ServiceProber prober_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable reported_;
  std::vector<detect::ProbeReport> reports_;  // from the prober's thread, not yet forwarded
  std::exception_ptr failure_;                // the prober's thread threw (guarded by mutex_)

  std::uint64_t next_id_ = 0;
  std::uint64_t outstanding_ = 0;  // submitted, not yet forwarded
  std::unordered_map<std::uint64_t, PortRecord> held_ports_;
  std::unordered_map<std::string, HeldHost> held_hosts_;  // by address text
};

}  // namespace portlens::scan
