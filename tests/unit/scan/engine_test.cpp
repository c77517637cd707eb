#include "scan/engine.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

namespace portlens::scan {
namespace {

using namespace std::chrono_literals;

// How the fake network treats one port.
struct Behaviour {
  PortState state = PortState::kClosed;
  Reason reason = Reason::kConnRefused;
  int drops = 0;  // the first `drops` probes get no answer at all (-1: never answered)
};

// A scripted Transport: answers on the next poll(), drops what the script says, counts probes.
class FakeTransport final : public Transport {
 public:
  FakeTransport(std::uint32_t capacity, std::map<std::uint16_t, Behaviour> script)
      : capacity_(capacity), script_(std::move(script)), slots_(capacity) {}

  std::uint32_t capacity() const override { return capacity_; }

  StartStatus start(std::uint32_t slot, const core::IpAddress& ip, std::uint16_t port) override {
    if (busy_budget_ > 0) {
      --busy_budget_;
      return StartStatus::kBusy;
    }
    ++probes_[port];
    const int attempt = ++probes_per_target_[{ip.toString(), port}];
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    Behaviour b = script_.count(port) ? script_[port] : Behaviour{};
    slots_[slot] = port;
    if (b.drops < 0 || attempt <= b.drops) return StartStatus::kStarted;  // silence
    pending_.push_back({slot, b.state, b.reason, {}});
    return StartStatus::kStarted;
  }

  void abandon(std::uint32_t) override { --in_flight_; }

  void poll(std::chrono::nanoseconds timeout, std::vector<ProbeAnswer>& answers) override {
    if (pending_.empty()) {
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(timeout, 1ms));
      return;
    }
    for (auto& a : pending_) {
      a.seen = std::chrono::steady_clock::now();
      answers.push_back(a);
      --in_flight_;
    }
    pending_.clear();
  }

  int probes(std::uint16_t port) { return probes_[port]; }
  int maxInFlight() const { return max_in_flight_; }
  int busy_budget_ = 0;

 private:
  std::uint32_t capacity_;
  std::map<std::uint16_t, Behaviour> script_;
  std::vector<std::uint16_t> slots_;
  std::vector<ProbeAnswer> pending_;
  std::map<std::uint16_t, int> probes_;
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
  const PortRecord& at(const std::string& ip, std::uint16_t port) { return last[{ip, port}]; }
  std::map<std::pair<std::string, std::uint16_t>, int> port_records;
  std::map<std::pair<std::string, std::uint16_t>, PortRecord> last;
  std::vector<HostRecord> hosts;
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
  std::map<std::uint16_t, Behaviour> script = {
      {22, {PortState::kOpen, Reason::kSynAck, 0}},
      {80, {PortState::kOpen, Reason::kSynAck, 2}},               // lost twice, then answers
      {81, {PortState::kFiltered, Reason::kNoResponse, -1}},      // always silent
      {82, {PortState::kFiltered, Reason::kAdminProhibited, 0}},  // ICMP reject
  };
  FakeTransport transport(64, script);
  RecordingObserver observer;
  auto ports = core::PortSet::range(1, 200);
  std::atomic<bool> stop{false};
  auto summary = runScan(fastConfig(), twoHosts(), ports, transport, observer, stop);

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
  FakeTransport transport(64, {{5, {PortState::kFiltered, Reason::kNoResponse, -1}}});
  RecordingObserver observer;
  auto config = fastConfig();
  config.max_parallel = 8;
  std::atomic<bool> stop{false};
  runScan(config, twoHosts(), core::PortSet::range(1, 100), transport, observer, stop);
  EXPECT_LE(transport.maxInFlight(), 8);
  EXPECT_EQ(observer.port_records.size(), 200u);
}

// A host that drops everything never answers; timeouts must still open the window beyond its
// initial size, or a firewalled host would be scanned 64 probes at a time.
TEST(EngineTest, SilenceGrowsTheWindowToo) {
  std::map<std::uint16_t, Behaviour> script;
  for (std::uint16_t p = 1; p <= 400; ++p)
    script[p] = {PortState::kFiltered, Reason::kNoResponse, -1};
  FakeTransport transport(1024, script);
  RecordingObserver observer;
  auto config = fastConfig();
  config.max_retries = 1;
  std::atomic<bool> stop{false};
  auto summary =
      runScan(config, twoHosts(), core::PortSet::range(1, 400), transport, observer, stop);
  EXPECT_EQ(summary.totals.filtered, 800u);
  EXPECT_GT(transport.maxInFlight(), 64);
}

TEST(EngineTest, ResourceShortageIsRetriedNotLost) {
  FakeTransport transport(16, {});
  transport.busy_budget_ = 5;
  RecordingObserver observer;
  std::atomic<bool> stop{false};
  auto summary =
      runScan(fastConfig(), twoHosts(), core::PortSet::range(1, 50), transport, observer, stop);
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
  FakeTransport transport(4, {});
  std::atomic<bool> stop{false};
  StoppingObserver stopping(stop, 100);
  auto& observer = stopping.inner;
  auto config = fastConfig();
  auto summary =
      runScan(config, twoHosts(), core::PortSet::range(1, 65535), transport, stopping, stop);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_LT(summary.totals.total(), 2u * 65535u);
  // Hosts with some final ports are reported once each.
  EXPECT_LE(observer.hosts.size(), 2u);
  EXPECT_FALSE(observer.hosts.empty());
}

TEST(EngineTest, RateLimitsProbes) {
  FakeTransport transport(64, {});
  RecordingObserver observer;
  auto config = fastConfig();
  config.rate = 500;  // 100 probes -> ~0.2 s
  std::atomic<bool> stop{false};
  auto started = std::chrono::steady_clock::now();
  runScan(config, twoHosts(), core::PortSet::range(1, 50), transport, observer, stop);
  auto elapsed = std::chrono::steady_clock::now() - started;
  // A lower bound only: a rate cap must not be exceeded (upper bounds are for `make bench`).
  EXPECT_GE(elapsed, 180ms);
}

}  // namespace
}  // namespace portlens::scan
