#include "scan/launcher.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/clock.h"
#include "core/error.h"
#include "core/port_spec.h"
#include "support/manual_clock.h"

namespace portlens::scan {
namespace {

TEST(Launcher, DefaultsDependOnTheScanType) {
  ScanRequest request;
  request.type = ScanType::kConnect;
  EXPECT_EQ(configFor(request).max_retries, 4u);
  request.type = ScanType::kSyn;
  const ScanConfig syn = configFor(request);
  EXPECT_EQ(syn.type, ScanType::kSyn);
  EXPECT_EQ(syn.max_retries, 10u);  // a cap; the measured loss decides the rounds
}

TEST(Launcher, SynRetriesAreBoundByTheEnginesRounds) {
  ScanRequest request;
  request.type = ScanType::kSyn;
  request.max_retries = syn::kMaxRounds - 1;
  EXPECT_EQ(configFor(request).max_retries, syn::kMaxRounds - 1);
  request.max_retries = syn::kMaxRounds;
  EXPECT_THROW(configFor(request), core::UsageError);
  request.type = ScanType::kConnect;  // connect scans have no round numbering
  EXPECT_EQ(configFor(request).max_retries, syn::kMaxRounds);
  request.max_retries = maxRetriesCap(ScanType::kConnect) + 1;
  EXPECT_THROW(configFor(request), core::UsageError);
}

TEST(Launcher, RejectsContradictoryTimingsAndNegativeRates) {
  ScanRequest request;
  request.rtt.floor = std::chrono::milliseconds(50);
  request.rtt.ceiling = std::chrono::milliseconds(10);
  EXPECT_THROW(configFor(request), core::UsageError);
  request = {};
  request.rate = -1;
  EXPECT_THROW(configFor(request), core::UsageError);
}

TEST(Launcher, CarriesWhatTheCallerChose) {
  ScanRequest request;
  request.seed = 77;
  request.rate = 500;
  request.max_parallel = 12;
  request.progress_interval = std::chrono::milliseconds(250);
  const ScanConfig config = configFor(request);
  EXPECT_EQ(config.seed, 77u);
  EXPECT_EQ(config.rate, 500);
  EXPECT_EQ(config.max_parallel, 12u);
  EXPECT_EQ(config.progress_interval, std::chrono::milliseconds(250));
}

TEST(Launcher, ChoosesSynOnlyWhenAskedOrPossible) {
  EXPECT_EQ(chooseScanType(std::nullopt, true), ScanType::kSyn);
  EXPECT_EQ(chooseScanType(std::nullopt, false), ScanType::kConnect);
  EXPECT_EQ(chooseScanType(ScanType::kConnect, true), ScanType::kConnect);
  EXPECT_EQ(chooseScanType(ScanType::kSyn, false), ScanType::kSyn);  // the launcher then says why
}

TEST(Launcher, PreparesAConnectScanWithoutSending) {
  // Preparing opens the epoll transport and sends nothing (no target, no port).
  core::TargetSet targets;
  core::PortSet ports;
  ScanRequest request;
  request.io = ConnectIo::kEpoll;
  portlens::testing::ManualClock clock;
  PreparedScan prepared = prepareScan(request, targets, ports, clock);
  EXPECT_EQ(prepared.type(), ScanType::kConnect);
  EXPECT_EQ(prepared.synPlan(), nullptr);
  EXPECT_GT(prepared.config().max_parallel, 0u);  // chosen from the fd limit
}

class IgnoringObserver final : public ScanObserver {
 public:
  void onPort(const PortRecord&) override { ++ports; }
  void onHost(const HostRecord&) override {}
  std::size_t ports = 0;
};

std::size_t openDescriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}

// serve and `portlens worker` run one scan per shard in one long process: a scan must give back
// every socket it opened (io_uring's last closes were once dropped unsubmitted with the ring,
// ~50 sockets a shard, until the open-file limit refused every new scan). Loopback only.
TEST(Launcher, AConnectScanGivesBackEverySocket) {
  core::TargetSet targets;
  targets.add(core::IpAddress::parse("127.0.0.1").value());
  core::PortSet ports = core::parsePortSpec("1-3000", nullptr);
  for (const ConnectIo io : {ConnectIo::kEpoll, ConnectIo::kAuto}) {
    const std::size_t before = openDescriptors();
    core::SystemClock clock;
    ScanRequest request;
    request.io = io;
    IgnoringObserver observer;
    const std::atomic<bool> stop{false};
    {
      PreparedScan prepared = prepareScan(request, targets, ports, clock);
      prepared.run(observer, stop);
    }
    EXPECT_EQ(observer.ports, ports.size());
    EXPECT_EQ(openDescriptors(), before) << (io == ConnectIo::kEpoll ? "epoll" : "auto (io_uring)");
  }
}

}  // namespace
}  // namespace portlens::scan
