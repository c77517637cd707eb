#include "detect/port_detector.h"

#include <algorithm>
#include <utility>

namespace portlens::detect {

PortDetector::PortDetector(const ProbeDatabase& db, const PatternSet& patterns,
                           MatchScratch& scratch, const PlanQuery& query, DetectTiming timing)
    : db_(db), patterns_(patterns), scratch_(scratch), query_(query), timing_(timing) {
  planner_.emplace(db_, query_);
}

DetectActions PortDetector::start(TimePoint now) {
  if (!query_.all_ports && isPortExcluded(db_, query_.port, query_.protocol)) {
    result_.excluded = true;
    finish();
  } else {
    startNextProbe(now);
  }
  return takeActions();
}

DetectActions PortDetector::onConnected(std::uint32_t connection, TimePoint now) {
  Connection* c = find(connection);
  if (c == nullptr || done_) return takeActions();
  c->connected = true;
  c->connected_at = now;
  const Probe& probe = db_.probes[c->probe];
  c->deadline = now + Millis(probe.total_wait_ms);
  ++result_.probes_sent;
  if (!probe.payload.empty()) {
    pending_.push_back(
        {.kind = DetectAction::Kind::kSend, .connection = connection, .bytes = probe.payload});
  }
  return takeActions();
}

DetectActions PortDetector::onConnectFailed(std::uint32_t connection, TimePoint now) {
  const Connection* failed = find(connection);
  if (failed == nullptr || done_) return takeActions();
  const std::size_t probe = failed->probe;
  std::erase_if(connections_, [&](const Connection& c) { return c.id == connection; });
  // Out of retries: the probe is lost; the port is given up when nothing else is running.
  if (!retryLater(probe, now) && connections_.empty() && retries_.empty()) finish();
  return takeActions();
}

DetectActions PortDetector::onData(std::uint32_t connection, std::string_view bytes,
                                   TimePoint now) {
  Connection* c = find(connection);
  if (c == nullptr || done_ || bytes.empty()) return takeActions();
  if (!c->got_data) c->first_data_at = now;
  c->got_data = true;
  std::size_t room = kMaxResponseBytes - c->response.size();
  c->response.append(bytes.substr(0, room));
  if (c->is_null && result_.banner.size() < kMaxBannerBytes) {
    result_.banner.append(bytes.substr(0, kMaxBannerBytes - result_.banner.size()));
  }
  // A peer that sends its answer in many small pieces would otherwise cost one full match of
  // the growing buffer per piece: match again when the buffer has doubled, or (a few times,
  // while it is small) after a pause. The end of the answer is always matched.
  bool grown = c->response.size() >= 2 * c->matched_size;
  bool paused = now - c->matched_at >= kRematchInterval && c->timed_rematches < kTimedRematches &&
                c->response.size() <= kTimedRematchBytes;
  if (grown || paused) {
    c->timed_rematches += grown ? 0 : 1;
    rematch(*c, now);
  }
  bool complete = c->match && !c->match->soft && !c->match->version.empty();
  if (complete || c->response.size() >= kMaxResponseBytes) {
    finishConnection(connection, false, now);
  } else if (c->match) {
    const auto answered_after = c->first_data_at - c->connected_at;
    const Millis floor = c->match->soft ? timing_.soft_linger : timing_.linger;
    c->linger_until =
        std::min(c->deadline, now + std::max<TimePoint::duration>(floor, 2 * answered_after));
  }
  return takeActions();
}

DetectActions PortDetector::onPeerClosed(std::uint32_t connection, TimePoint now) {
  if (find(connection) != nullptr && !done_) finishConnection(connection, true, now);
  return takeActions();
}

DetectActions PortDetector::onTimeout(TimePoint now) {
  std::vector<std::uint32_t> expired;
  for (const auto& c : connections_) {
    if (c.deadline <= now || (c.linger_until && *c.linger_until <= now)) expired.push_back(c.id);
  }
  for (std::uint32_t id : expired) {
    if (!done_ && find(id) != nullptr) finishConnection(id, false, now);
  }
  if (!done_) startDueRetries(now);
  widen(now);
  return takeActions();
}

void PortDetector::rematch(Connection& c, TimePoint now) {
  c.match = matchResponse(db_, patterns_, scratch_, c.probe, c.response);
  c.matched_size = c.response.size();
  c.matched_at = now;
}

PortDetector::Connection* PortDetector::find(std::uint32_t id) {
  for (auto& c : connections_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

void PortDetector::startNextProbe(TimePoint now) {
  (void)now;
  std::optional<std::size_t> probe = planner_->next();
  if (!probe) {
    plan_exhausted_ = true;
    if (connections_.empty() && retries_.empty()) finish();
    return;
  }
  connect(*probe);
}

void PortDetector::connect(std::size_t probe, int attempt) {
  Connection c;
  c.id = next_id_++;
  c.probe = probe;
  c.is_null = db_.probes[probe].payload.empty();
  pending_.push_back({.kind = DetectAction::Kind::kConnect,
                      .connection = c.id,
                      .tunnel = query_.tunnel,
                      .attempt = attempt});
  connections_.push_back(std::move(c));
}

// Schedules `probe` on a fresh connection after retry_after x 2^(retries so far); false when
// the port's retry budget is spent.
// Either way the port counts as overloaded from now on (see widenTime).
bool PortDetector::retryLater(std::size_t probe, TimePoint now) {
  overloaded_ = true;
  if (retries_used_ >= timing_.max_retries) return false;
  retries_.push_back({now + timing_.retry_after * (1 << retries_used_), probe, retries_used_ + 1});
  ++retries_used_;
  return true;
}

void PortDetector::startDueRetries(TimePoint now) {
  std::vector<Retry> due;
  std::erase_if(retries_, [&](const Retry& r) {
    if (r.at > now) return false;
    due.push_back(r);
    return true;
  });
  for (const Retry& r : due) connect(r.probe, r.attempt);
}

bool PortDetector::probeRunning() const {
  return std::any_of(connections_.begin(), connections_.end(),
                     [](const Connection& c) { return !c.is_null; }) ||
         std::any_of(retries_.begin(), retries_.end(),
                     [&](const Retry& r) { return !db_.probes[r.probe].payload.empty(); });
}

// The next probe may start alongside the running ones once all of them (the NULL wait
// included) are connected and have had no matching answer for parallel_after, and no retry
// is pending (a peer that just refused a connection gets no more at once). On an overloaded
// port one probe at most besides the NULL wait: more probes at once to a daemon that already
// drops connections (a fork per connection, a short accept queue) only make it drop more.
std::optional<TimePoint> PortDetector::widenTime() const {
  if (done_ || plan_exhausted_ || connections_.empty() || !retries_.empty()) return std::nullopt;
  int probes = 0;
  TimePoint youngest = TimePoint::min();
  for (const auto& c : connections_) {
    if (!c.connected || c.match) return std::nullopt;
    if (!c.is_null) ++probes;
    youngest = std::max(youngest, c.connected_at);
  }
  if (probes >= (overloaded_ ? 1 : timing_.max_parallel_probes)) return std::nullopt;
  return youngest + timing_.parallel_after;
}

void PortDetector::widen(TimePoint now) {
  auto when = widenTime();
  if (when && *when <= now) startNextProbe(now);
}

void PortDetector::finishConnection(std::uint32_t id, bool peer_closed, TimePoint now) {
  auto it = std::find_if(connections_.begin(), connections_.end(),
                         [&](const Connection& c) { return c.id == id; });
  Connection c = std::move(*it);
  connections_.erase(it);
  pending_.push_back({.kind = DetectAction::Kind::kClose, .connection = id});
  if (c.response.size() != c.matched_size) rematch(c, now);
  if (c.match && !c.match->soft) {
    acceptHardMatch(*c.match, c.probe, now);
    return;
  }
  if (c.match) {
    planner_->noteSoftMatch(c.match->service);
    if (!soft_) soft_.emplace(*c.match, c.probe);
  } else if (c.is_null && peer_closed && !c.got_data && c.connected &&
             now - c.connected_at <= Millis(db_.probes[c.probe].tcp_wrapped_ms)) {
    // Once more on a fresh connection: a daemon at its connection limit closes at once too.
    if (!null_retried_) {
      null_retried_ = true;
      if (retryLater(c.probe, now)) return;
    }
    result_.tcpwrapped = true;
    finish();
    return;
  }
  if (!probeRunning()) startNextProbe(now);
}

void PortDetector::acceptHardMatch(const ServiceMatch& match, std::size_t sent_probe,
                                   TimePoint now) {
  if (match.service == "ssl" && query_.tunnel == Tunnel::kNone) {
    ssl_match_.emplace(match, sent_probe);
    switchToTls(match, now);
    return;
  }
  fillFromMatch(match, sent_probe);
  finish();
}

// The port speaks TLS: every probe runs again inside the tunnel, from the NULL probe on.
void PortDetector::switchToTls(const ServiceMatch& ssl_match, TimePoint now) {
  (void)ssl_match;
  closeAll();
  retries_.clear();
  retries_used_ = 0;  // a budget of its own inside the tunnel (see the header)
  null_retried_ = false;
  query_.tunnel = Tunnel::kSsl;
  planner_.emplace(db_, query_);
  soft_.reset();
  plan_exhausted_ = false;
  startNextProbe(now);
}

void PortDetector::finish() {
  if (done_) return;
  if (!result_.identified && soft_) fillFromMatch(soft_->first, soft_->second);
  if (!result_.identified && ssl_match_) fillFromMatch(ssl_match_->first, ssl_match_->second);
  result_.tunnel = query_.tunnel;
  done_ = true;
  closeAll();
  pending_.push_back({.kind = DetectAction::Kind::kDone});
}

void PortDetector::closeAll() {
  for (const auto& c : connections_) {
    pending_.push_back({.kind = DetectAction::Kind::kClose, .connection = c.id});
  }
  connections_.clear();
}

void PortDetector::fillFromMatch(const ServiceMatch& match, std::size_t sent_probe) {
  result_.identified = true;
  result_.soft = match.soft;
  result_.service = match.service;
  result_.product = match.product;
  result_.version = match.version;
  result_.info = match.info;
  result_.hostname = match.hostname;
  result_.ostype = match.ostype;
  result_.devicetype = match.devicetype;
  result_.cpes = match.cpes;
  result_.probe = db_.probes[sent_probe].name;
  result_.conf = 10;
}

DetectActions PortDetector::takeActions() {
  if (!done_) {
    TimePoint wake = widenTime().value_or(TimePoint::max());
    for (const auto& c : connections_) {
      wake = std::min(wake, c.linger_until.value_or(c.deadline));
    }
    for (const auto& r : retries_) wake = std::min(wake, r.at);
    if (wake != TimePoint::max()) {
      pending_.push_back({.kind = DetectAction::Kind::kWaitUntil, .until = wake});
    }
  }
  return std::exchange(pending_, {});
}

}  // namespace portlens::detect
