#include "scan/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "support/manual_clock.h"

namespace portlens::scan {
namespace {

using namespace std::chrono_literals;

// How the fake network treats one port.
struct Behaviour {
  PortState state = PortState::kClosed;
  Reason reason = Reason::kConnRefused;
  int drops = 0;  // the first `drops` probes get no answer at all (-1: never answered)
  std::chrono::nanoseconds latency{0};  // how long after the start the answer comes
};

// A scripted Transport on a manual clock: answers `latency` after the start (by default on
// the next poll, at the same time), drops what the script says, counts probes and records
// when each started. poll() waits by moving the clock: to the next answer that falls due
// within the timeout, or by the whole timeout.
class FakeTransport final : public Transport {
 public:
  FakeTransport(std::uint32_t capacity, std::map<std::uint16_t, Behaviour> script,
                testing::ManualClock& clock)
      : capacity_(capacity), script_(std::move(script)), clock_(clock), slots_(capacity) {}

  std::uint32_t capacity() const override { return capacity_; }

  StartStatus start(std::uint32_t slot, const core::IpAddress& ip, std::uint16_t port) override {
    if (busy_budget_ > 0) {
      --busy_budget_;
      return StartStatus::kBusy;
    }
    ++probes_[port];
    starts_[port].push_back(clock_.elapsed());
    const int attempt = ++probes_per_target_[{ip.toString(), port}];
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    Behaviour b = script_.count(port) ? script_[port] : Behaviour{};
    slots_[slot] = port;
    if (b.drops < 0 || attempt <= b.drops) return StartStatus::kStarted;  // silence
    pending_.emplace(clock_.now() + b.latency, ProbeAnswer{slot, b.state, b.reason, {}});
    return StartStatus::kStarted;
  }

  void abandon(std::uint32_t) override { --in_flight_; }

  void poll(std::chrono::nanoseconds timeout, std::vector<ProbeAnswer>& answers) override {
    auto until = clock_.now() + timeout;
    if (!pending_.empty()) until = std::min(until, pending_.begin()->first);
    clock_.sleepUntil(until);
    const auto now = clock_.now();
    while (!pending_.empty() && pending_.begin()->first <= now) {
      ProbeAnswer answer = pending_.begin()->second;
      pending_.erase(pending_.begin());
      answer.seen = now;
      answers.push_back(answer);
      --in_flight_;
    }
  }

  int probes(std::uint16_t port) { return probes_[port]; }
  // When each probe of `port` started (time since the clock's start), in order.
  const std::vector<std::chrono::nanoseconds>& starts(std::uint16_t port) { return starts_[port]; }
  int maxInFlight() const { return max_in_flight_; }
  int busy_budget_ = 0;

 private:
  std::uint32_t capacity_;
  std::map<std::uint16_t, Behaviour> script_;
  testing::ManualClock& clock_;
  std::vector<std::uint16_t> slots_;
  std::multimap<core::Clock::SteadyTime, ProbeAnswer> pending_;  // by due time
  std::map<std::uint16_t, int> probes_;
  std::map<std::uint16_t, std::vector<std::chrono::nanoseconds>> starts_;
  std::map<std::pair<std::string, std::uint16_t>, int> probes_per_target_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

class RecordingObserver final : public ScanObserver {
 public:
  void onPort(const PortRecord& r) override {
    ++port_records[{r.ip.toString(), r.port}];
    last[{r.ip.toString(), r.port}] = r;
  }
  void onHost(const HostRecord& r) override { hosts.push_back(r); }
  void onProgress(const ScanProgress& p) override { progress.push_back(p); }
  const PortRecord& at(const std::string& ip, std::uint16_t port) { return last[{ip, port}]; }
  std::map<std::pair<std::string, std::uint16_t>, int> port_records;
  std::map<std::pair<std::string, std::uint16_t>, PortRecord> last;
  std::vector<HostRecord> hosts;
  std::vector<ScanProgress> progress;
};

ScanConfig fastConfig() {
  ScanConfig config;
  config.seed = 1;
  config.max_retries = 3;
  config.rtt.initial = 5ms;
  config.rtt.floor = 2ms;
  config.rtt.ceiling = 20ms;
  return config;
}

core::TargetSet twoHosts() {
  core::TargetSet t;
  t.add(*core::IpAddress::parse("198.18.0.1"), *core::IpAddress::parse("198.18.0.2"));
  return t;
}

TEST(EngineTest, EveryPortGetsExactlyOneRecordWithTheScriptedState) {
  testing::ManualClock clock;
  std::map<std::uint16_t, Behaviour> script = {
      {22, {PortState::kOpen, Reason::kSynAck, 0}},
      {80, {PortState::kOpen, Reason::kSynAck, 2}},               // lost twice, then answers
      {81, {PortState::kFiltered, Reason::kNoResponse, -1}},      // always silent
      {82, {PortState::kFiltered, Reason::kAdminProhibited, 0}},  // ICMP reject
  };
  FakeTransport transport(64, script, clock);
  RecordingObserver observer;
  auto ports = core::PortSet::range(1, 200);
  std::atomic<bool> stop{false};
  auto summary = runScan(fastConfig(), twoHosts(), ports, transport, clock, observer, stop);

  EXPECT_FALSE(summary.interrupted);
  EXPECT_EQ(observer.port_records.size(), 400u);
  for (const auto& [key, count] : observer.port_records) EXPECT_EQ(count, 1) << key.second;
  EXPECT_EQ(summary.totals.open, 4u);
  EXPECT_EQ(summary.totals.filtered, 4u);
  EXPECT_EQ(summary.totals.closed, 392u);
  EXPECT_EQ(observer.at("198.18.0.1", 80).state, PortState::kOpen);
  EXPECT_EQ(observer.at("198.18.0.1", 80).attempts, 3);
  EXPECT_EQ(observer.at("198.18.0.2", 81).reason, Reason::kNoResponse);
  EXPECT_EQ(observer.at("198.18.0.2", 81).attempts, 4);  // 1 + max_retries
  EXPECT_EQ(observer.at("198.18.0.2", 82).reason, Reason::kAdminProhibited);
  // Answered ports are never probed twice; the silent one exactly 1 + retries times per host.
  EXPECT_EQ(transport.probes(22), 2);
  EXPECT_EQ(transport.probes(81), 8);
  ASSERT_EQ(observer.hosts.size(), 2u);
  EXPECT_EQ(observer.hosts[0].counts.total(), 200u);
  EXPECT_EQ(summary.hosts_completed, 2u);
}

TEST(EngineTest, RespectsMaxParallel) {
  testing::ManualClock clock;
  FakeTransport transport(64, {{5, {PortState::kFiltered, Reason::kNoResponse, -1}}}, clock);
  RecordingObserver observer;
  auto config = fastConfig();
  config.max_parallel = 8;
  std::atomic<bool> stop{false};
  runScan(config, twoHosts(), core::PortSet::range(1, 100), transport, clock, observer, stop);
  EXPECT_LE(transport.maxInFlight(), 8);
  EXPECT_EQ(observer.port_records.size(), 200u);
}

// A host that drops everything never answers; timeouts must still open the window beyond its
// initial size, or a firewalled host would be scanned 64 probes at a time.
TEST(EngineTest, SilenceGrowsTheWindowToo) {
  testing::ManualClock clock;
  std::map<std::uint16_t, Behaviour> script;
  for (std::uint16_t p = 1; p <= 400; ++p)
    script[p] = {PortState::kFiltered, Reason::kNoResponse, -1};
  FakeTransport transport(1024, script, clock);
  RecordingObserver observer;
  auto config = fastConfig();
  config.max_retries = 1;
  std::atomic<bool> stop{false};
  auto summary =
      runScan(config, twoHosts(), core::PortSet::range(1, 400), transport, clock, observer, stop);
  EXPECT_EQ(summary.totals.filtered, 800u);
  EXPECT_GT(transport.maxInFlight(), 64);
}

TEST(EngineTest, ResourceShortageIsRetriedNotLost) {
  testing::ManualClock clock;
  FakeTransport transport(16, {}, clock);
  transport.busy_budget_ = 5;
  RecordingObserver observer;
  std::atomic<bool> stop{false};
  auto summary = runScan(fastConfig(), twoHosts(), core::PortSet::range(1, 50), transport, clock,
                         observer, stop);
  EXPECT_EQ(summary.totals.closed, 100u);
  EXPECT_EQ(observer.port_records.size(), 100u);
}

// Stops the scan (as Ctrl-C would) once it has seen `limit` port records: no timing involved,
// so the test holds on a slow sanitizer build too.
class StoppingObserver final : public ScanObserver {
 public:
  StoppingObserver(std::atomic<bool>& stop, std::size_t limit) : stop_(stop), limit_(limit) {}
  void onPort(const PortRecord& r) override {
    inner.onPort(r);
    if (++seen_ >= limit_) stop_ = true;
  }
  void onHost(const HostRecord& r) override { inner.onHost(r); }
  RecordingObserver inner;

 private:
  std::atomic<bool>& stop_;
  std::size_t limit_;
  std::size_t seen_ = 0;
};

TEST(EngineTest, StopEndsEarlyAndReportsPartialHosts) {
  testing::ManualClock clock;
  FakeTransport transport(4, {}, clock);
  std::atomic<bool> stop{false};
  StoppingObserver stopping(stop, 100);
  auto& observer = stopping.inner;
  auto config = fastConfig();
  auto summary =
      runScan(config, twoHosts(), core::PortSet::range(1, 65535), transport, clock, stopping, stop);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_LT(summary.totals.total(), 2u * 65535u);
  // Hosts with some final ports are reported once each.
  EXPECT_LE(observer.hosts.size(), 2u);
  EXPECT_FALSE(observer.hosts.empty());
}

// 500 probes/s with a burst of one: probe k starts at exactly k x 2 ms, and the scan ends
// with the last answer (which comes at once).
TEST(EngineTest, RateLimitSpacesProbesExactly) {
  testing::ManualClock clock;
  FakeTransport transport(64, {}, clock);
  RecordingObserver observer;
  auto config = fastConfig();
  config.rate = 500;
  core::TargetSet one;
  one.add(*core::IpAddress::parse("198.18.0.1"));
  std::atomic<bool> stop{false};
  const auto summary =
      runScan(config, one, core::PortSet::range(1, 100), transport, clock, observer, stop);
  std::vector<std::chrono::nanoseconds> starts;
  for (std::uint16_t port = 1; port <= 100; ++port) {
    ASSERT_EQ(transport.starts(port).size(), 1u) << port;
    starts.push_back(transport.starts(port)[0]);
  }
  std::sort(starts.begin(), starts.end());
  for (std::size_t k = 0; k < starts.size(); ++k) EXPECT_EQ(starts[k], k * 2ms) << k;
  EXPECT_EQ(clock.elapsed(), 198ms);
  EXPECT_DOUBLE_EQ(summary.elapsed_seconds, 0.198);
}

// Before any answer a probe's deadline is the initial timeout: a silent port is re-sent exactly
// when it runs out, 1 + max_retries times, and is final one timeout after the last try.
TEST(EngineTest, SilentProbeIsRetriedExactlyAtTheTimeout) {
  testing::ManualClock clock;
  FakeTransport transport(64, {{7, {PortState::kFiltered, Reason::kNoResponse, -1}}}, clock);
  RecordingObserver observer;
  core::TargetSet one;
  one.add(*core::IpAddress::parse("198.18.0.1"));
  std::atomic<bool> stop{false};
  const auto summary =
      runScan(fastConfig(), one, core::PortSet::range(7, 7), transport, clock, observer, stop);
  const std::vector<std::chrono::nanoseconds> expected = {0ms, 5ms, 10ms, 15ms};
  EXPECT_EQ(transport.starts(7), expected);
  EXPECT_EQ(observer.at("198.18.0.1", 7).attempts, 4);
  EXPECT_EQ(clock.elapsed(), 20ms);
  EXPECT_DOUBLE_EQ(summary.elapsed_seconds, 0.020);
}

// Once the host answers (after 2 ms), the timeout follows RFC 6298 over that sample:
// 2 ms + 4 x 1 ms = 6 ms. The silent port's first try, sent before the answer with the 20 ms
// initial timeout, is re-armed with it, so its retries go out at 6, 12 and 18 ms.
TEST(EngineTest, RetriesFollowTheMeasuredRtt) {
  testing::ManualClock clock;
  FakeTransport transport(64,
                          {{1, {PortState::kClosed, Reason::kConnRefused, 0, 2ms}},
                           {2, {PortState::kFiltered, Reason::kNoResponse, -1}}},
                          clock);
  RecordingObserver observer;
  core::TargetSet one;
  one.add(*core::IpAddress::parse("198.18.0.1"));
  auto config = fastConfig();
  config.rtt.initial = 20ms;
  std::atomic<bool> stop{false};
  runScan(config, one, core::PortSet::range(1, 2), transport, clock, observer, stop);
  const std::vector<std::chrono::nanoseconds> expected = {0ms, 6ms, 12ms, 18ms};
  EXPECT_EQ(transport.starts(2), expected);
  EXPECT_EQ(observer.at("198.18.0.1", 1).rtt, 2ms);
  EXPECT_EQ(clock.elapsed(), 24ms);
}

// Progress comes every progress_interval of the engine's clock, with exact elapsed times and
// the probe rate of that interval. The report at 100 ms comes before the probe due then.
TEST(EngineTest, ProgressComesEveryIntervalExactly) {
  testing::ManualClock clock;
  FakeTransport transport(64, {}, clock);
  RecordingObserver observer;
  auto config = fastConfig();
  config.rate = 100;  // one probe every 10 ms: 50 probes take 490 ms
  config.progress_interval = 100ms;
  core::TargetSet one;
  one.add(*core::IpAddress::parse("198.18.0.1"));
  std::atomic<bool> stop{false};
  runScan(config, one, core::PortSet::range(1, 50), transport, clock, observer, stop);
  ASSERT_EQ(observer.progress.size(), 4u);
  for (std::size_t i = 0; i < observer.progress.size(); ++i) {
    EXPECT_DOUBLE_EQ(observer.progress[i].elapsed_seconds, 0.1 * double(i + 1)) << i;
    EXPECT_EQ(observer.progress[i].probes_sent, 10 * (i + 1)) << i;
  }
  EXPECT_DOUBLE_EQ(observer.progress[1].probes_per_second, 100.0);
}

}  // namespace
}  // namespace portlens::scan
