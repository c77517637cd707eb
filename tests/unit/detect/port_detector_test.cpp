// The per-port state machine driven by a scripted fake network with a manual clock, against
// our own data/service-probes: no sockets, no sleeps.
#include "detect/port_detector.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "detect/probe_parser.h"

namespace portlens::detect {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// How the fake service behaves on every connection (plain, or inside TLS).
struct Behaviour {
  std::string banner{};            // sent at connect
  Millis banner_byte_interval{0};  // > 0: the banner trickles one byte per interval
  std::map<std::string, std::vector<std::pair<Millis, std::string>>> answers{};  // by payload
  bool close_at_once = false;
  bool close_after_answer = false;
  int refuse_first = 0;  // the first N connections fail (a full accept queue, RST, a TLS
                         // handshake that times out); counted per behaviour
  int close_first = 0;   // the next N close at once without data (sshd's MaxStartups)
};

class FakeNetwork {
 public:
  FakeNetwork(PortDetector& detector, Behaviour plain, Behaviour tls = {})
      : detector_(detector), plain_(std::move(plain)), tls_(std::move(tls)) {}

  // Runs until the detector is done or simulated time passes `limit`.
  void run(Millis limit = Millis(600000)) {
    apply(detector_.start(now_));
    while (!detector_.done() && now_ - start_ < limit) {
      auto next = events_.empty() ? TimePoint::max() : events_.begin()->first;
      if (wake_ && *wake_ <= next) {
        now_ = std::max(now_, *wake_);
        wake_.reset();
        apply(detector_.onTimeout(now_));
        continue;
      }
      if (events_.empty()) break;
      auto first = events_.begin();
      now_ = std::max(now_, first->first);
      Event event = std::move(first->second);
      events_.erase(first);
      deliver(event);
    }
  }

  Millis elapsed() const { return std::chrono::duration_cast<Millis>(now_ - start_); }
  int connects() const { return connects_; }
  int closes() const { return closes_; }
  int refused() const { return refused_; }
  int maxOpen() const { return max_open_; }  // connections open at once, at most
  std::vector<int> attempts;                 // kConnect's attempt, in order
  std::vector<std::string> sent;

 private:
  struct Event {
    enum class Kind { kConnected, kConnectFailed, kData, kClosed } kind = Kind::kConnected;
    std::uint32_t connection = 0;
    std::string bytes{};
  };

  void at(Millis delay, Event event) { events_.emplace(now_ + delay, std::move(event)); }

  void apply(const DetectActions& actions) {
    for (const auto& action : actions) {
      switch (action.kind) {
        case DetectAction::Kind::kConnect: {
          ++connects_;
          attempts.push_back(action.attempt);
          tunnel_[action.connection] = action.tunnel;
          const Behaviour& b = behaviour(action.connection);
          const int nth = ++connects_by_tunnel_[action.tunnel];
          if (nth <= b.refuse_first) {
            at(Millis(1), {Event::Kind::kConnectFailed, action.connection, {}});
            break;
          }
          at(Millis(1), {Event::Kind::kConnected, action.connection, {}});
          open_.insert(action.connection);
          max_open_ = std::max(max_open_, static_cast<int>(open_.size()));
          if (b.close_at_once || nth <= b.refuse_first + b.close_first) {
            at(Millis(2), {Event::Kind::kClosed, action.connection, {}});
          } else if (!b.banner.empty()) {
            scheduleBanner(action.connection, b);
          }
          break;
        }
        case DetectAction::Kind::kSend: {
          sent.push_back(action.bytes);
          const Behaviour& b = behaviour(action.connection);
          auto it = b.answers.find(action.bytes);
          if (it == b.answers.end()) break;
          Millis last{0};
          for (const auto& [delay, bytes] : it->second) {
            at(delay, {Event::Kind::kData, action.connection, bytes});
            last = std::max(last, delay);
          }
          if (b.close_after_answer)
            at(last + Millis(1), {Event::Kind::kClosed, action.connection, {}});
          break;
        }
        case DetectAction::Kind::kClose:
          ++closes_;
          closed_.insert(action.connection);
          open_.erase(action.connection);
          break;
        case DetectAction::Kind::kWaitUntil:
          wake_ = action.until;
          break;
        case DetectAction::Kind::kDone:
          break;
      }
    }
  }

  void scheduleBanner(std::uint32_t connection, const Behaviour& b) {
    if (b.banner_byte_interval.count() == 0) {
      at(Millis(2), {Event::Kind::kData, connection, b.banner});
      return;
    }
    for (std::size_t i = 0; i < b.banner.size(); ++i) {
      at(Millis(2) + b.banner_byte_interval * static_cast<int>(i),
         {Event::Kind::kData, connection, b.banner.substr(i, 1)});
    }
  }

  const Behaviour& behaviour(std::uint32_t connection) {
    return tunnel_[connection] == Tunnel::kSsl ? tls_ : plain_;
  }

  void deliver(const Event& event) {
    if (closed_.count(event.connection)) return;  // the detector closed it already
    switch (event.kind) {
      case Event::Kind::kConnected:
        apply(detector_.onConnected(event.connection, now_));
        break;
      case Event::Kind::kConnectFailed:
        ++refused_;
        closed_.insert(event.connection);
        apply(detector_.onConnectFailed(event.connection, now_));
        break;
      case Event::Kind::kData:
        apply(detector_.onData(event.connection, event.bytes, now_));
        break;
      case Event::Kind::kClosed:
        closed_.insert(event.connection);
        apply(detector_.onPeerClosed(event.connection, now_));
        break;
    }
  }

  PortDetector& detector_;
  Behaviour plain_, tls_;
  TimePoint start_{};
  TimePoint now_{};
  std::optional<TimePoint> wake_;
  std::multimap<TimePoint, Event> events_;
  std::map<std::uint32_t, Tunnel> tunnel_;
  std::set<std::uint32_t> closed_;
  std::map<Tunnel, int> connects_by_tunnel_;
  std::set<std::uint32_t> open_;  // connects that will not fail, until the detector closes them
  int max_open_ = 0;
  int connects_ = 0;
  int closes_ = 0;
  int refused_ = 0;
};

class PortDetectorTest : public ::testing::Test {
 protected:
  PortDetectorTest() : db_(parseProbeDatabase(readFile(PORTLENS_PROBE_FILE), "probes")) {
    patterns_ = std::make_unique<PatternSet>(db_);
    scratch_ = std::make_unique<MatchScratch>(*patterns_);
  }

  ServiceResult detect(std::uint16_t port, Behaviour plain, Behaviour tls = {},
                       Millis* elapsed = nullptr, int intensity = kDefaultIntensity) {
    PortDetector detector(db_, *patterns_, *scratch_, {.port = port, .intensity = intensity});
    FakeNetwork net(detector, std::move(plain), std::move(tls));
    net.run();
    EXPECT_TRUE(detector.done());
    EXPECT_EQ(net.connects(), net.closes() + net.refused()) << "every connection is closed";
    if (elapsed) *elapsed = net.elapsed();
    connects_ = net.connects();
    max_open_ = net.maxOpen();
    attempts_ = net.attempts;
    sent_ = net.sent;
    return detector.result();
  }

  std::string payload(std::string_view probe) {
    return db_.probes[*db_.findProbe(probe, Protocol::kTcp)].payload;
  }

  ProbeDatabase db_;
  std::unique_ptr<PatternSet> patterns_;
  std::unique_ptr<MatchScratch> scratch_;
  std::vector<std::string> sent_;
  std::vector<int> attempts_;
  int connects_ = 0;
  int max_open_ = 0;
};

const std::string kNginxOk = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n<html>";

TEST_F(PortDetectorTest, BannerIsEnoughForSsh) {
  Millis elapsed;
  auto result = detect(22, {.banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"}, {}, &elapsed);
  EXPECT_TRUE(result.identified);
  EXPECT_EQ(result.service, "ssh");
  EXPECT_EQ(result.version, "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(result.probe, "NULL");
  EXPECT_EQ(result.conf, 10);
  EXPECT_EQ(result.banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
  EXPECT_LT(elapsed, Millis(10));
  EXPECT_TRUE(sent_.empty());
}

// A silent service costs the short head start, not the NULL probe's 6 s banner wait.
TEST_F(PortDetectorTest, SilentHttpServerIsProbedAlongsideTheBannerWait) {
  Millis elapsed;
  Behaviour web{.answers = {{payload("GetRequest"), {{Millis(1), kNginxOk}}}}};
  auto result = detect(8081, web, {}, &elapsed);
  EXPECT_EQ(result.service, "http");
  EXPECT_EQ(result.product, "nginx");
  EXPECT_EQ(result.version, "1.22.1");
  EXPECT_EQ(result.probe, "GetRequest");
  EXPECT_LT(elapsed, Millis(400));
  EXPECT_TRUE(result.banner.empty());
}

TEST_F(PortDetectorTest, PortSpecificProbeComesFirst) {
  Millis elapsed;
  Behaviour redis{.answers = {{payload("RedisInfo"),
                               {{Millis(1), "$40\r\n# Server\r\nredis_version:7.0.15\r\n"}}}}};
  auto result = detect(6379, redis, {}, &elapsed);
  EXPECT_EQ(result.product, "Redis key-value store");
  EXPECT_EQ(result.version, "7.0.15");
  ASSERT_EQ(sent_.size(), 1u);  // RedisInfo only: it names 6379
  EXPECT_LT(elapsed, Millis(400));
}

// A real tcpwrapped costs one more connection and the first retry delay, never a loop.
TEST_F(PortDetectorTest, PeerClosingAtOnceIsTcpwrapped) {
  Millis elapsed;
  auto result = detect(2000, {.close_at_once = true}, {}, &elapsed);
  EXPECT_TRUE(result.tcpwrapped);
  EXPECT_FALSE(result.identified);
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(connects_, 2);
  EXPECT_EQ(elapsed, Millis(2) + DetectTiming{}.retry_after + Millis(2));
}

// sshd at MaxStartups closes a new connection at once; the next one gets the banner.
TEST_F(PortDetectorTest, DaemonAtItsLimitClosingOnceIsNotTcpwrapped) {
  auto result =
      detect(22, {.banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", .close_first = 1});
  EXPECT_FALSE(result.tcpwrapped);
  EXPECT_EQ(result.service, "ssh");
  EXPECT_EQ(result.version, "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(connects_, 2);
}

// A full accept queue or a reset: the same probe again on a fresh connection, later.
TEST_F(PortDetectorTest, RefusedConnectionsAreRetriedWithinTheBudget) {
  Millis elapsed;
  Behaviour redis{.answers = {{payload("RedisInfo"),
                               {{Millis(1), "$40\r\n# Server\r\nredis_version:7.0.15\r\n"}}}},
                  .refuse_first = 2};
  auto result = detect(6379, redis, {}, &elapsed);
  EXPECT_EQ(result.version, "7.0.15");
  EXPECT_EQ(connects_, 2 + 2);  // NULL refused twice (retried after 250 ms, then 500 ms)
  EXPECT_EQ(attempts_, (std::vector<int>{0, 1, 2, 0}));  // retries: longer connect timeouts
  EXPECT_LT(elapsed, Millis(1500));
}

// A silent service probes three at a time besides the NULL wait; once one connection was
// refused (the daemon is at its limit), one at a time besides it.
TEST_F(PortDetectorTest, OverloadedPortGetsOneProbeAtATimeBesidesTheNullWait) {
  detect(3306, {});
  EXPECT_EQ(max_open_, 1 + DetectTiming{}.max_parallel_probes);
  const int calm_connects = connects_;
  detect(3306, {.refuse_first = 1});
  EXPECT_EQ(max_open_, 2);
  EXPECT_EQ(connects_, calm_connects + 1);  // the same plan, plus the refused connection
}

// A loaded TLS server: the plain phase spends the retry budget on refused connects, and the
// tunnel's first handshake fails too; the tunnel has a budget of its own, so http is named.
TEST_F(PortDetectorTest, TunnelHasARetryBudgetOfItsOwn) {
  std::string hello =
      std::string("\x16\x03\x03\x00\x31\x02\x00\x00\x2d\x03\x03", 11) + std::string(40, 'r');
  Behaviour plain{.answers = {{payload("TLSSessionReq"), {{Millis(1), hello}}}},
                  .refuse_first = DetectTiming{}.max_retries};
  Behaviour inside{.answers = {{payload("GetRequest"),
                                {{Millis(1), "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n"}}}},
                   .close_after_answer = true,
                   .refuse_first = 1};
  auto result = detect(443, plain, inside);
  EXPECT_EQ(result.tunnel, Tunnel::kSsl);
  EXPECT_EQ(result.service, "http");
  EXPECT_EQ(result.product, "nginx");
  EXPECT_EQ(result.version, "1.22.1");
}

TEST_F(PortDetectorTest, ExcludedPortIsNotTouched) {
  auto result = detect(9100, {.banner = "anything"});
  EXPECT_TRUE(result.excluded);
  EXPECT_EQ(result.probes_sent, 0);
}

// nginx with TLS on an unusual port: the plain GET gets nginx's "plain HTTP to HTTPS port"
// page, which says ssl; the plan restarts inside TLS and names nginx there.
TEST_F(PortDetectorTest, TlsPortIsProbedAgainInsideTheTunnel) {
  Behaviour plain{.answers = {{payload("GetRequest"),
                               {{Millis(1),
                                 "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n<html>"
                                 "<head><title>400 The plain HTTP request was sent to HTTPS "
                                 "port</title>"}}}}};
  Behaviour inside{.answers = {{payload("GetRequest"), {{Millis(1), kNginxOk}}}}};
  auto result = detect(4443, plain, inside);
  EXPECT_EQ(result.tunnel, Tunnel::kSsl);
  EXPECT_EQ(result.service, "http");
  EXPECT_EQ(result.version, "1.22.1");
}

TEST_F(PortDetectorTest, TlsWithNothingInsideStaysSsl) {
  std::string hello =
      std::string("\x16\x03\x03\x00\x31\x02\x00\x00\x2d\x03\x03", 11) + std::string(40, 'r');
  Behaviour plain{.answers = {{payload("TLSSessionReq"), {{Millis(1), hello}}}}};
  auto result = detect(443, plain, {});
  EXPECT_EQ(result.tunnel, Tunnel::kSsl);
  EXPECT_EQ(result.service, "ssl");
  EXPECT_TRUE(result.identified);
}

// A Kubernetes API server on 6443: TLS first, then GET /version inside names the version
// (before GET /, whose 403 for system:anonymous would end detection without one).
TEST_F(PortDetectorTest, KubernetesApiServerIsAskedForItsVersionInsideTls) {
  std::string hello =
      std::string("\x16\x03\x03\x00\x31\x02\x00\x00\x2d\x03\x03", 11) + std::string(40, 'r');
  Behaviour plain{.answers = {{payload("TLSSessionReq"), {{Millis(1), hello}}}}};
  Behaviour inside{
      .answers = {{payload("KubernetesVersion"),
                   {{Millis(1),
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\n  \"major\": "
                     "\"1\",\n  \"minor\": \"28\",\n  \"gitVersion\": \"v1.28.2+k3s1\",\n  "
                     "\"goVersion\": \"go1.20.8\",\n  \"platform\": \"linux/arm64\"\n}"}}}},
      .close_after_answer = true};
  auto result = detect(6443, plain, inside);
  EXPECT_EQ(result.tunnel, Tunnel::kSsl);
  EXPECT_EQ(result.service, "http");
  EXPECT_EQ(result.product, "Kubernetes API server");
  EXPECT_EQ(result.version, "1.28.2+k3s1");
  EXPECT_EQ(result.info, "linux/arm64");
  EXPECT_EQ(result.probe, "KubernetesVersion");
}

// MQTT's CONNACK arrives before the version: the soft match waits briefly for more bytes.
TEST_F(PortDetectorTest, MatchWithoutVersionWaitsBrieflyForTheRest) {
  std::string publish =
      std::string("\x31\x2d\x00\x13", 4) + "$SYS/broker/version" + "mosquitto version 2.0.11";
  Behaviour mqtt{.answers = {{payload("MQTTConnect"),
                              {{Millis(1), std::string("\x20\x02\x00\x00", 4)},
                               {Millis(40), std::string("\x90\x03\x00\x01\x00", 5) + publish}}}}};
  auto result = detect(1883, mqtt);
  EXPECT_FALSE(result.soft);
  EXPECT_EQ(result.product, "Mosquitto MQTT broker");
  EXPECT_EQ(result.version, "2.0.11");
}

TEST_F(PortDetectorTest, SoftMatchIsTheAnswerWhenNothingConfirmsIt) {
  Behaviour web{.answers = {{payload("GetRequest"), {{Millis(1), "HTTP/1.0 200 OK\r\n\r\n"}}}}};
  auto result = detect(8081, web);
  EXPECT_TRUE(result.identified);
  EXPECT_TRUE(result.soft);
  EXPECT_EQ(result.service, "http");
  EXPECT_TRUE(result.product.empty());
}

// Hostile peers: a banner trickling one byte a second, and one that sends megabytes.
TEST_F(PortDetectorTest, TricklingPeerIsBounded) {
  Millis elapsed;
  auto result = detect(
      2001, {.banner = std::string(100, 'x'), .banner_byte_interval = Millis(1000)}, {}, &elapsed);
  EXPECT_FALSE(result.identified);
  EXPECT_LE(result.banner.size(), 10u);  // about 6 s of bytes on the NULL connection
  EXPECT_LT(elapsed, Millis(30000));
  std::printf("trickling peer: gave up after %lld ms (simulated)\n",
              static_cast<long long>(elapsed.count()));
}

TEST_F(PortDetectorTest, FloodingPeerIsCappedPerProbe) {
  auto result = detect(2002, {.banner = std::string(4 * 1024 * 1024, 'A')});
  EXPECT_FALSE(result.identified);
  EXPECT_EQ(result.banner.size(), kMaxBannerBytes);
}

// An answer in one-byte pieces is matched when it doubles or after a pause, and in full at
// the end: a banner split in 40 reads at the same instant is still named.
TEST_F(PortDetectorTest, AnswerInManySmallPiecesIsMatchedAtTheEnd) {
  PortDetector detector(db_, *patterns_, *scratch_, {.port = 22});
  TimePoint now{};
  auto actions = detector.start(now);
  std::uint32_t id = actions.at(0).connection;
  detector.onConnected(id, now);
  std::string banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
  for (char c : banner) detector.onData(id, std::string_view(&c, 1), now);
  EXPECT_FALSE(detector.done());
  detector.onPeerClosed(id, now);
  ASSERT_TRUE(detector.done());
  EXPECT_EQ(detector.result().version, "9.2p1 Debian 2+deb12u3");
}

TEST_F(PortDetectorTest, SilentServiceTriesThePlanThenGivesUp) {
  Millis elapsed;
  auto result = detect(2003, {}, {}, &elapsed);
  EXPECT_FALSE(result.identified);
  EXPECT_EQ(static_cast<std::size_t>(result.probes_sent), orderProbes(db_, {.port = 2003}).size());
  // The NULL wait (6 s) overlaps the probes (5 s each), which run three at a time.
  EXPECT_LT(elapsed, Millis(5000) * static_cast<int>(result.probes_sent) / 2);
  std::printf("silent service: %d probes in %lld ms (simulated)\n", result.probes_sent,
              static_cast<long long>(elapsed.count()));
}

// Every connect fails: retried after 250, 500 and 1000 ms, then the port is given up.
TEST_F(PortDetectorTest, ConnectFailuresEndDetectionWhenTheBudgetIsSpent) {
  PortDetector detector(db_, *patterns_, *scratch_, {.port = 80});
  TimePoint now{};
  auto actions = detector.start(now);
  const DetectTiming timing;
  for (int retry = 0; retry < timing.max_retries; ++retry) {
    ASSERT_EQ(actions.at(0).kind, DetectAction::Kind::kConnect);
    EXPECT_EQ(actions[0].attempt, retry);
    actions = detector.onConnectFailed(actions[0].connection, now);
    ASSERT_EQ(actions.size(), 1u);
    ASSERT_EQ(actions[0].kind, DetectAction::Kind::kWaitUntil);
    EXPECT_EQ(actions[0].until, now + timing.retry_after * (1 << retry));
    now = actions[0].until;
    actions = detector.onTimeout(now);
  }
  ASSERT_EQ(actions.at(0).kind, DetectAction::Kind::kConnect);
  detector.onConnectFailed(actions[0].connection, now);
  EXPECT_TRUE(detector.done());
  EXPECT_FALSE(detector.result().identified);
  EXPECT_EQ(detector.result().probes_sent, 0);
}

// A loaded broker sends its CONNACK late and the version later still: the wait for the rest
// scales with how long the first part took.
TEST_F(PortDetectorTest, LateAnswerGetsALongerWaitForTheRest) {
  std::string publish =
      std::string("\x31\x2d\x00\x13", 4) + "$SYS/broker/version" + "mosquitto version 2.0.11";
  Behaviour mqtt{.answers = {{payload("MQTTConnect"),
                              {{Millis(200), std::string("\x20\x02\x00\x00", 4)},
                               {Millis(500), std::string("\x90\x03\x00\x01\x00", 5) + publish}}}}};
  auto result = detect(1883, mqtt);
  EXPECT_FALSE(result.soft);
  EXPECT_EQ(result.version, "2.0.11");
}

}  // namespace
}  // namespace portlens::detect
