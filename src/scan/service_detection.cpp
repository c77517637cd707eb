#include "scan/service_detection.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/error.h"
#include "detect/builtin_probes.h"
#include "detect/probe_parser.h"
#include "scan/service_conversion.h"

namespace portlens::scan {
namespace {

std::string readProbeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::UsageError(fmt::format("--service-probes: cannot read '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::shared_ptr<const DetectionSetup> loadDetection(const ServiceDetectionRequest& request) {
  if (request.intensity < 0 || request.intensity > detect::kMaxIntensity) {
    throw core::UsageError("--version-intensity must be between 0 and 9");
  }
  auto setup = std::make_shared<DetectionSetup>();
  if (request.probe_file.empty()) {
    setup->db =
        detect::parseProbeDatabase(detect::builtinServiceProbes(), detect::kBuiltinProbesName);
  } else {
    setup->db = detect::parseProbeDatabase(readProbeFile(request.probe_file), request.probe_file);
  }
  setup->patterns = std::make_unique<detect::PatternSet>(setup->db);
  for (const auto& failure : setup->patterns->failures()) {
    setup->warnings.push_back(fmt::format("{}:{}: pattern does not compile, never matches: {}",
                                          setup->db.source_name, failure.line, failure.message));
  }
  setup->options.intensity = request.intensity;
  setup->options.max_ports = request.max_ports;
  setup->options.max_ports_per_host = request.max_ports_per_host;
  setup->options.connect_timeout = request.connect_timeout;
  return setup;
}

DetectingObserver::DetectingObserver(const DetectionSetup& setup, ScanObserver& downstream,
                                     core::Clock& clock, const std::atomic<bool>& stop)
    : setup_(setup),
      downstream_(downstream),
      stop_(stop),
      prober_(setup.db, *setup.patterns, clock, setup.options) {
  thread_ = std::thread([this] {
    try {
      prober_.run(
          [this](detect::ProbeReport report) {
            std::lock_guard lock(mutex_);
            reports_.push_back(std::move(report));
            reported_.notify_one();
          },
          halt_);
    } catch (...) {  // epoll refused: the scan reports the error instead of terminating
      std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    prober_returned_ = true;
    reported_.notify_one();
  });
}

DetectingObserver::~DetectingObserver() {
  halt_ = true;
  prober_.close();
  if (thread_.joinable()) thread_.join();
}

void DetectingObserver::onPort(const PortRecord& record) {
  forwardReady();
  if (record.state != PortState::kOpen || halt_.load()) {  // after Ctrl-C: as found
    downstream_.onPort(record);
    return;
  }
  const std::uint64_t id = next_id_++;
  held_hosts_[record.ip.toString()].pending += 1;
  held_ports_.emplace(id, record);
  ++outstanding_;
  prober_.submit(id, detect::ProbeTarget{record.ip, record.port, record.hostname});
}

void DetectingObserver::onHost(const HostRecord& record) {
  forwardReady();
  auto it = held_hosts_.find(record.ip.toString());
  if (it == held_hosts_.end() || it->second.pending == 0) {
    if (it != held_hosts_.end()) held_hosts_.erase(it);
    downstream_.onHost(record);
    return;
  }
  it->second.record = record;
}

void DetectingObserver::onProgress(const ScanProgress& progress) {
  forwardReady();
  downstream_.onProgress(progress);
}

void DetectingObserver::finish() {
  prober_.close();
  while (outstanding_ > 0 && !prober_returned_) {
    {
      std::unique_lock lock(mutex_);
      reported_.wait_for(lock, std::chrono::milliseconds(100),
                         [&] { return !reports_.empty() || prober_returned_; });
    }
    forwardReady();  // also passes Ctrl-C on: the prober reports what it knows and returns
  }
  if (thread_.joinable()) thread_.join();
  forwardReady();
  if (failure_) std::rethrow_exception(failure_);
  // Ports the engine found after the prober had stopped (Ctrl-C) go out as found.
  std::vector<std::uint64_t> left;
  for (const auto& [id, record] : held_ports_) left.push_back(id);
  std::sort(left.begin(), left.end());
  for (std::uint64_t id : left) forward(detect::ProbeReport{id, {}, std::nullopt, false});
  for (auto& [address, host] : held_hosts_) {  // hosts whose ports are all forwarded
    if (host.record) downstream_.onHost(*host.record);
  }
  held_hosts_.clear();
}

void DetectingObserver::forwardReady() {
  if (stop_.load()) halt_ = true;
  std::vector<detect::ProbeReport> ready;
  {
    std::lock_guard lock(mutex_);
    ready.swap(reports_);
  }
  for (const auto& report : ready) forward(report);
}

void DetectingObserver::forward(const detect::ProbeReport& report) {
  auto port = held_ports_.find(report.id);
  if (port == held_ports_.end()) return;
  PortRecord record = std::move(port->second);
  held_ports_.erase(port);
  --outstanding_;
  // A port the stop reached before any answer keeps no service (nothing was learnt).
  const bool learnt = report.completed || report.result.identified || report.tls;
  if (learnt) {
    record.service =
        toServiceInfo(report.result, report.tls, setup_.table.serviceName(record.port));
  }
  downstream_.onPort(record);
  auto host = held_hosts_.find(record.ip.toString());
  if (host == held_hosts_.end()) return;
  if (--host->second.pending == 0 && host->second.record) {
    downstream_.onHost(*host->second.record);
    held_hosts_.erase(host);
  }
}

}  // namespace portlens::scan
