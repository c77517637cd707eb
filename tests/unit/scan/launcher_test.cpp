#include "scan/launcher.h"

#include <gtest/gtest.h>

#include "core/error.h"
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

}  // namespace
}  // namespace portlens::scan
