#include "scan/syn/syn_engine.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace std::chrono_literals;

#include "scan/rtt_estimator.h"
#include "scan/syn/resume_file.h"
#include "scan/syn/syn_sender.h"
#include "support/manual_clock.h"
#include "syn_fake_network.h"

namespace portlens::scan::syn {
namespace {

using testing::Answer;
using testing::FakeNetwork;
using ManualClock = portlens::testing::ManualClock;

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

class Recorder final : public ScanObserver {
 public:
  void onPort(const PortRecord& record) override {
    const auto key = std::make_pair(record.ip.toString(), record.port);
    ++seen[key];
    ports[key] = record;
  }
  void onHost(const HostRecord& record) override { hosts.push_back(record); }

  std::map<std::pair<std::string, std::uint16_t>, int> seen;
  std::map<std::pair<std::string, std::uint16_t>, PortRecord> ports;
  std::vector<HostRecord> hosts;
};

SynPlan labPlan() {
  SynPlan plan;
  net::FrameOrigin v4;
  v4.source = ip("198.18.0.1");
  net::FrameOrigin v6;
  v6.source = ip("2001:2::1");
  plan.ipv4 = v4;
  plan.ipv6 = v6;
  plan.source_port = 61000;
  plan.secret = {0x1234, 0x5678};
  return plan;
}

ScanConfig fastConfig() {
  ScanConfig config;
  config.type = ScanType::kSyn;
  config.seed = 42;
  config.max_retries = 10;
  config.rtt.initial = std::chrono::milliseconds(20);
  config.rtt.floor = std::chrono::milliseconds(5);
  config.rate = 0;
  return config;
}

// Host .7 of each family: 22 open, 25 ICMP-rejected, 23 silent; everything else closed.
Answer labHost(const core::IpAddress& target, std::uint16_t port) {
  const std::string text = target.toString();
  if (text != "198.19.0.7" && text != "2001:2:0:1::7") return Answer::kClosed;
  if (port == 22) return Answer::kOpen;
  if (port == 25) return Answer::kIcmp;
  if (port == 23) return Answer::kSilent;
  return Answer::kClosed;
}

core::TargetSet labTargets() {
  core::TargetSet targets;
  targets.add(ip("198.19.0.1"), ip("198.19.0.8"));
  targets.add(ip("2001:2:0:1::7"));
  return targets;
}

// The RTO the receiver ends round 1 with: RFC 6298 over the round's answers, in the order
// their SYNs went out (each is read before the clock moves on, so that is the order of the
// samples too).
std::chrono::nanoseconds roundOneRto(const FakeNetwork& network, const Recorder& recorder,
                                     const ScanConfig& config) {
  RttEstimator estimator;
  for (const auto& key : network.sendOrder()) {
    const PortRecord& record = recorder.ports.at(key);
    if (record.attempts == 1 && record.reason != Reason::kNoResponse) {
      estimator.addSample(record.rtt);
    }
  }
  return estimator.timeout(config.rtt);
}

void expectLabTruth(const Recorder& recorder, const core::TargetSet& targets,
                    const core::PortSet& ports) {
  for (std::uint64_t h = 0; h < targets.size(); ++h) {
    for (std::uint16_t port : ports.ports()) {
      const auto key = std::make_pair(targets.at(h).toString(), port);
      ASSERT_EQ(recorder.seen.count(key), 1u) << key.first << ":" << port;
      EXPECT_EQ(recorder.seen.at(key), 1) << "emitted twice: " << key.first << ":" << port;
      const PortRecord& record = recorder.ports.at(key);
      switch (labHost(targets.at(h), port)) {
        case Answer::kOpen:
          EXPECT_EQ(record.state, PortState::kOpen);
          EXPECT_EQ(record.reason, Reason::kSynAck);
          break;
        case Answer::kClosed:
          EXPECT_EQ(record.state, PortState::kClosed) << key.first << ":" << port;
          EXPECT_EQ(record.reason, Reason::kReset);
          break;
        case Answer::kIcmp:
          EXPECT_EQ(record.state, PortState::kFiltered);
          EXPECT_EQ(record.reason, Reason::kAdminProhibited);
          break;
        case Answer::kSilent:
          EXPECT_EQ(record.state, PortState::kFiltered);
          EXPECT_EQ(record.reason, Reason::kNoResponse);
          break;
      }
    }
  }
}

TEST(SynEngineTest, MatchesTheTruthForBothFamilies) {
  ManualClock clock;
  FakeNetwork network(clock, labHost);
  Recorder recorder;
  std::atomic<bool> stop{false};
  const auto targets = labTargets();
  const auto ports = core::PortSet::range(1, 300);
  const auto result =
      runSynScan(fastConfig(), labPlan(), targets, ports, network, clock, recorder, stop);
  expectLabTruth(recorder, targets, ports);
  EXPECT_EQ(result.summary.totals.total(), 9u * 300u);
  EXPECT_EQ(recorder.hosts.size(), 9u);
  EXPECT_FALSE(result.summary.interrupted);
  // One silent port per .7 host: it gets the first retry and nothing more (no loss seen).
  EXPECT_EQ(result.rounds, 2u);
  EXPECT_EQ(network.probesPerTarget().at({"198.19.0.7", 23}), 2);
  EXPECT_EQ(network.probesPerTarget().at({"198.19.0.7", 22}), 1);
}

TEST(SynEngineTest, ExactAtTwoPercentLossWithAdaptiveRounds) {
  ManualClock clock;
  FakeNetwork network(clock, labHost, 2.0, 7);
  Recorder recorder;
  std::atomic<bool> stop{false};
  const auto targets = labTargets();
  const auto ports = core::PortSet::range(1, 2000);
  const auto result =
      runSynScan(fastConfig(), labPlan(), targets, ports, network, clock, recorder, stop);
  expectLabTruth(recorder, targets, ports);
  EXPECT_GE(result.rounds, 4u);  // the measured loss asks for more than one retry
  EXPECT_LE(result.rounds, 11u);
}

TEST(SynEngineTest, DuplicatesAndForgeriesAreDropped) {
  ManualClock clock;
  FakeNetwork network(clock, labHost);
  network.duplicateReplies();
  network.forgeReplies();
  Recorder recorder;
  std::atomic<bool> stop{false};
  const auto targets = labTargets();
  const auto ports = core::PortSet::range(20, 30);
  const auto result =
      runSynScan(fastConfig(), labPlan(), targets, ports, network, clock, recorder, stop);
  expectLabTruth(recorder, targets, ports);
  EXPECT_GT(result.duplicates, 0u);
}

TEST(SynEngineTest, ShardsAreDisjointAndCoverTheScan) {
  ManualClock clock;
  const auto targets = labTargets();
  const auto ports = core::PortSet::range(1, 97);
  std::map<std::pair<std::string, std::uint16_t>, int> union_seen;
  for (std::uint64_t k = 1; k <= 3; ++k) {
    FakeNetwork network(clock, labHost);
    Recorder recorder;
    std::atomic<bool> stop{false};
    SynPlan plan = labPlan();
    plan.shard = {k, 3};
    runSynScan(fastConfig(), plan, targets, ports, network, clock, recorder, stop);
    for (const auto& [key, count] : recorder.seen) union_seen[key] += count;
  }
  EXPECT_EQ(union_seen.size(), targets.size() * ports.size());
  for (const auto& [key, count] : union_seen) EXPECT_EQ(count, 1) << key.first << ":" << key.second;
}

// Interrupt after some probes, write the resume file, resume: every port is reported exactly
// once across both runs, and the resumed run sends no probe to a port the first run already
// has an answer for (only unanswered ports, in flight or not yet sent, are probed again).
TEST(SynEngineTest, ResumeSkipsNothingAndRepeatsNothing) {
  ManualClock clock;
  const auto targets = labTargets();
  const auto ports = core::PortSet::range(1, 500);
  const auto config = fastConfig();
  const SynPlan plan = labPlan();
  Recorder first;
  FakeNetwork first_network(clock, labHost);
  std::atomic<bool> stop{false};
  first_network.stopAfter(1500, &stop);
  const auto interrupted =
      runSynScan(config, plan, targets, ports, first_network, clock, first, stop);
  ASSERT_TRUE(interrupted.summary.interrupted);
  const auto fingerprint = fingerprintOf(config.seed, plan.shard, targets, ports);
  std::string error;
  const auto point =
      decodeResume(encodeResume(fingerprint, interrupted.resume), fingerprint, error);
  ASSERT_TRUE(point.has_value()) << error;

  Recorder second;
  FakeNetwork second_network(clock, labHost);
  std::atomic<bool> no_stop{false};
  const auto resumed =
      runSynScan(config, plan, targets, ports, second_network, clock, second, no_stop, &*point);
  EXPECT_FALSE(resumed.summary.interrupted);
  for (const auto& [key, count] : first.seen) {
    EXPECT_EQ(second.seen.count(key), 0u) << "reported twice: " << key.first << ":" << key.second;
  }
  EXPECT_EQ(first.seen.size() + second.seen.size(), targets.size() * ports.size());
  // Checked per port rather than as a count of SYNs: with a 5 ms RTO floor, a loaded machine
  // (CTest runs tests in parallel) delays the receiving thread enough for retry rounds to
  // resend answered-but-unread probes, which says nothing about resuming.
  const auto resent = second_network.probesPerTarget();
  for (const auto& [key, count] : first.seen) {
    EXPECT_EQ(resent.count(key), 0u)
        << "answered before, probed again: " << key.first << ":" << key.second;
  }
  EXPECT_GT(first.seen.size(), 1000u);  // the first run did get far before the interrupt
}

// 2000 probes/s goes one probe at a time: SYN k leaves at exactly k x 0.5 ms. Every port
// answers in round 1, so the scan ends one RTO after the last SYN, the retry round finding
// nothing to send.
TEST(SynEngineTest, FixedRateSpacesProbesExactly) {
  ManualClock clock;
  FakeNetwork network(clock, labHost);
  Recorder recorder;
  std::atomic<bool> stop{false};
  auto config = fastConfig();
  config.rate = 2000;
  core::TargetSet one;
  one.add(ip("198.19.0.1"));
  const auto result = runSynScan(config, labPlan(), one, core::PortSet::range(1, 400), network,
                                 clock, recorder, stop);
  const auto times = network.sendTimes();
  ASSERT_EQ(times.size(), 400u);
  for (std::size_t k = 0; k < times.size(); ++k) {
    ASSERT_EQ(times[k], k * std::chrono::microseconds(500)) << k;
  }
  EXPECT_DOUBLE_EQ(result.first_round_rate, 400.0 / 0.1995);
  EXPECT_EQ(result.rounds, 1u);
  EXPECT_EQ(clock.elapsed(), 199'500us + roundOneRto(network, recorder, config));
}

// The silent port's retry leaves exactly one RTO (measured over round 1's answers) after the
// last SYN of round 1, and the scan ends one RTO after that.
TEST(SynEngineTest, SilentPortIsRetriedOneRtoAfterTheRound) {
  ManualClock clock;
  FakeNetwork network(clock, labHost);
  Recorder recorder;
  std::atomic<bool> stop{false};
  auto config = fastConfig();
  config.rate = 1000;  // one SYN a millisecond
  core::TargetSet one;
  one.add(ip("198.19.0.7"));
  runSynScan(config, labPlan(), one, core::PortSet::range(21, 25), network, clock, recorder, stop);
  const auto rto = roundOneRto(network, recorder, config);
  EXPECT_GT(rto, config.rtt.floor);  // measured, not the floor: the check below means something
  const std::vector<std::chrono::nanoseconds> expected = {0ms, 1ms, 2ms, 3ms, 4ms, 4ms + rto};
  EXPECT_EQ(network.sendTimes(), expected);
  EXPECT_EQ(network.sendOrder().back(),
            std::make_pair(std::string("198.19.0.7"), std::uint16_t{23}));
  EXPECT_EQ(recorder.ports.at({"198.19.0.7", 23}).attempts, 2);
  EXPECT_EQ(clock.elapsed(), 4ms + 2 * rto);
}

TEST(SynEngineTest, RoundDecisions) {
  EXPECT_TRUE(needAnotherRound(1, 11, 0, 0, 0));           // always one retry
  EXPECT_FALSE(needAnotherRound(2, 11, 0, 1000, 0));       // no loss, last round silent
  EXPECT_TRUE(needAnotherRound(2, 11, 5, 1000, 5));        // the retry still found answers
  EXPECT_TRUE(needAnotherRound(4, 11, 0, 65000, 1300));    // 2% loss: 65000*0.02^4 = 0.01 hidden
  EXPECT_FALSE(needAnotherRound(6, 11, 0, 65000, 1300));   // 65000*0.02^6 = 4e-6
  EXPECT_FALSE(needAnotherRound(11, 11, 9, 65000, 1300));  // the cap
}

}  // namespace
}  // namespace portlens::scan::syn
