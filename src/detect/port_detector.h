// The scheduling state machine of service detection for one port. Pure: no sockets and no
// clock. The I/O runner (the integrator's) opens the connections it is told to, feeds back
// what happens (connected, bytes, peer closed, connect failed) and calls onTimeout when the
// time asked by the last kWaitUntil has come; every call returns the actions to carry out in
// order. Single-threaded: one detector per port, driven by one thread, with that thread's
// MatchScratch.
//
// Policy (nmap's, made faster where nmap waits):
//  - probes come from ProbePlanner (NULL first, then port-specific, then by rarity); each
//    probe runs on its own connection and has `totalwaitms` to answer (from being sent);
//  - the NULL probe's banner wait runs in parallel with the next probes: when no open
//    connection has had a matching answer for `parallel_after`, the next probe starts on another
//    connection (up to `max_parallel_probes` besides the NULL wait), so silent services (HTTP,
//    Redis, databases) do not cost the 6 s banner wait, and a service that never answers
//    costs about a third of the sequential plan;
//  - an answer is matched when it arrives, again when it has doubled (and a few times after a
//    pause while small), and at its end, so a peer sending one byte at a time cannot make the
//    matcher rescan the buffer per byte; a hard match with a version ends detection at once;
//    a match without version (or a soft one) waits for more bytes (multi-part answers; see
//    `linger` below), bounded by the probe's own deadline;
//  - a soft match narrows the rest of the plan; the first soft match is the answer when no
//    hard match follows;
//  - a NULL connection the peer closes without data within `tcpwrappedms` (twice, see
//    below) is tcpwrapped;
//  - a hard match for "ssl" restarts the plan inside TLS (once): kConnect with Tunnel::kSsl
//    means "connect and complete a TLS handshake, then report onConnected";
//  - answers are buffered up to kMaxResponseBytes per probe; more is not needed to match;
//  - kConnect: the runner applies its own connect (and TLS handshake) timeout and reports
//    onConnectFailed; the same probe is tried again on a fresh connection after
//    `retry_after` (doubling), at most `max_retries` times per port (no widening meanwhile),
//    then the probe is lost and, with nothing else running, detection ends. A retry's
//    kConnect carries its `attempt` (1, 2, 3): the runner gives it a connect (and handshake)
//    timeout of its own doubled per attempt, so a SYN dropped by a full accept queue gets
//    the kernel's retransmits (1, 3, 7 s) instead of the same short timeout every time.
//    A busy daemon (sshd's MaxStartups, a login-process limit, a full accept queue) refuses
//    or drops part of many concurrent connections; one failure must not lose the port, and
//    after one the port is overloaded: one probe at most alongside the NULL wait;
//  - inside TLS the retry budget starts again: the tunnel's handshakes are where a loaded
//    TLS server fails, after the plain phase may have spent the budget on its connects;
//  - a NULL connection closed without data within `tcpwrappedms` is tried once more (same
//    budget) before the port is called tcpwrapped: a daemon at its limit closes at once too,
//    and a real tcpwrapped costs one more connection and `retry_after`, never a loop;
//  - a match without version waits `linger` (`soft_linger` after a soft match: a loaded
//    Mosquitto sent its version over 150 ms after its CONNACK), at least twice the time the
//    answer took (a loaded server sends the rest as late as the start), within the deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/pattern_set.h"
#include "detect/probe_database.h"
#include "detect/probe_plan.h"
#include "detect/service_match.h"
#include "detect/service_result.h"

namespace portlens::detect {

using TimePoint = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

inline constexpr std::size_t kMaxResponseBytes = std::size_t{32} * 1024;

struct DetectTiming {
  Millis parallel_after{300};   // silence before the next probe starts alongside
  Millis linger{150};           // wait for more bytes after a match without version
  Millis soft_linger{1000};     // the same after a soft match (the rest names the product)
  int max_parallel_probes = 3;  // probe connections at once, besides the NULL wait
  Millis retry_after{250};      // before the first retry on a fresh connection; doubles
  int max_retries = 3;          // fresh connections after failures, per port
};

struct DetectAction {
  enum class Kind { kConnect, kSend, kClose, kWaitUntil, kDone };
  Kind kind = Kind::kDone;
  std::uint32_t connection = 0;   // kConnect, kSend, kClose
  Tunnel tunnel = Tunnel::kNone;  // kConnect
  std::string bytes{};            // kSend
  TimePoint until{};              // kWaitUntil
  int attempt = 0;                // kConnect: 0, or n for the port's n-th retry (see above)
};
using DetectActions = std::vector<DetectAction>;

class PortDetector {
 public:
  PortDetector(const ProbeDatabase& db, const PatternSet& patterns, MatchScratch& scratch,
               const PlanQuery& query, DetectTiming timing = {});

  DetectActions start(TimePoint now);
  DetectActions onConnected(std::uint32_t connection, TimePoint now);
  DetectActions onConnectFailed(std::uint32_t connection, TimePoint now);
  DetectActions onData(std::uint32_t connection, std::string_view bytes, TimePoint now);
  DetectActions onPeerClosed(std::uint32_t connection, TimePoint now);
  DetectActions onTimeout(TimePoint now);

  bool done() const { return done_; }
  const ServiceResult& result() const { return result_; }

 private:
  struct Connection {
    std::uint32_t id = 0;
    std::size_t probe = 0;
    bool is_null = false;
    bool connected = false;
    bool got_data = false;
    TimePoint connected_at{};
    TimePoint first_data_at{};
    TimePoint deadline = TimePoint::max();
    std::optional<TimePoint> linger_until;
    std::string response;
    std::optional<ServiceMatch> match;
    std::size_t matched_size = 0;  // response bytes the last match saw
    TimePoint matched_at{};
    int timed_rematches = 0;
  };
  // Bounds on matching a growing answer (see onData): at most ~17 doublings, 8 pauses.
  static constexpr Millis kRematchInterval{20};
  static constexpr int kTimedRematches = 8;
  static constexpr std::size_t kTimedRematchBytes = 4096;
  // A probe waiting to be tried again on a fresh connection (see retryLater).
  struct Retry {
    TimePoint at{};
    std::size_t probe = 0;
    int attempt = 1;
  };

  Connection* find(std::uint32_t id);
  void rematch(Connection& c, TimePoint now);
  void startPlan(TimePoint now);
  void startNextProbe(TimePoint now);
  void connect(std::size_t probe, int attempt = 0);
  bool retryLater(std::size_t probe, TimePoint now);
  void startDueRetries(TimePoint now);
  bool probeRunning() const;
  std::optional<TimePoint> widenTime() const;
  void widen(TimePoint now);
  void finishConnection(std::uint32_t id, bool peer_closed, TimePoint now);
  void acceptHardMatch(const ServiceMatch& match, std::size_t sent_probe, TimePoint now);
  void switchToTls(const ServiceMatch& ssl_match, TimePoint now);
  void finish();
  void closeAll();
  void fillFromMatch(const ServiceMatch& match, std::size_t sent_probe);
  DetectActions takeActions();

  const ProbeDatabase& db_;
  const PatternSet& patterns_;
  MatchScratch& scratch_;
  PlanQuery query_;
  DetectTiming timing_;
  std::optional<ProbePlanner> planner_;  // rebuilt once when the port turns out to speak TLS
  std::vector<Connection> connections_;  // at most two: the NULL wait and a probe
  std::uint32_t next_id_ = 1;
  std::optional<std::pair<ServiceMatch, std::size_t>> soft_;  // the match and the probe sent
  std::optional<std::pair<ServiceMatch, std::size_t>> ssl_match_;
  std::vector<Retry> retries_;  // due retries, by time of arrival
  int retries_used_ = 0;
  bool null_retried_ = false;
  bool overloaded_ = false;  // a connect failed or the NULL closed at once: less widening
  bool plan_exhausted_ = false;
  ServiceResult result_;
  bool done_ = false;
  DetectActions pending_;
};

}  // namespace portlens::detect
