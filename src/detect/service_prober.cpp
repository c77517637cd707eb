#include "detect/service_prober.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/unique_fd.h"
#include "detect/port_budget.h"
#include "detect/prober_connection.h"
#include "detect/tls/starttls.h"
#include "detect/tls/tls_inspect.h"
#include "net/socket_address.h"

namespace portlens::detect {
namespace {

// Each epoll_wait returns at least this often, so a stop request is seen promptly.
constexpr Millis kMaxPollSlice{100};
constexpr std::uint64_t kWakeKey = 0;  // the eventfd's epoll key; connections count from 1

std::optional<StartTlsProtocol> startTlsProtocolFor(const ServiceResult& result) {
  if (!result.identified || result.tunnel == Tunnel::kSsl) return std::nullopt;
  if (result.service == "smtp" || result.service == "submission") return StartTlsProtocol::kSmtp;
  if (result.service == "imap") return StartTlsProtocol::kImap;
  if (result.service == "pop3") return StartTlsProtocol::kPop3;
  if (result.service == "ftp") return StartTlsProtocol::kFtp;
  return std::nullopt;
}

}  // namespace

// One port in detection: its detector, its connections (by epoll key) and what it learnt.
struct Job {
  std::uint64_t id = 0;
  ProbeTarget target;
  net::SocketAddress address;
  std::string host;
  std::unique_ptr<PortDetector> detector;
  TimePoint wake = TimePoint::max();            // the detector's last kWaitUntil
  std::map<std::uint32_t, std::uint64_t> keys;  // detector connection -> epoll key
  std::optional<TlsRecord> tls;
  // STARTTLS phase (after detection): the dialogue, its connection and deadline.
  std::unique_ptr<StartTlsDialogue> starttls;
  std::uint64_t starttls_key = 0;
  TimePoint starttls_deadline = TimePoint::max();
  bool finished = false;
};

struct Socket {
  Job* job = nullptr;
  std::uint32_t connection = 0;  // the detector's id; 0 for the STARTTLS connection
  std::unique_ptr<ProberConnection> io;
  TimePoint connect_deadline = TimePoint::max();  // until ready
  std::uint32_t registered = 0;                   // the events epoll watches now
};

struct ServiceProber::Loop {
  Loop(const ProbeDatabase& database, const PatternSet& compiled, core::Clock& time_source,
       ProberOptions prober_options)
      : db(database), patterns(compiled), clock(time_source), options(prober_options) {}

  const ProbeDatabase& db;
  const PatternSet& patterns;
  core::Clock& clock;
  ProberOptions options;
  PortBudget budget{options.max_ports, options.min_ports, options.budget_cooldown};

  // Shared with the submitting thread.
  std::mutex mutex;
  std::deque<std::pair<std::uint64_t, ProbeTarget>> submitted;
  bool closed = false;
  core::UniqueFd wake{::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};

  // The prober thread's own state.
  core::UniqueFd epoll;
  std::unique_ptr<MatchScratch> scratch;
  std::unique_ptr<TlsClientContext> tls_context;
  std::deque<std::pair<std::uint64_t, ProbeTarget>> waiting;  // submitted, not yet admitted
  std::vector<std::unique_ptr<Job>> jobs;
  std::unordered_map<std::string, std::size_t> per_host;
  std::unordered_map<std::uint64_t, Socket> sockets;
  std::uint64_t next_key = kWakeKey + 1;
  const std::function<void(ProbeReport)>* on_report = nullptr;

  void run(const std::atomic<bool>& stop);
  bool takeSubmitted();
  void admit();
  void startJob(std::uint64_t id, ProbeTarget target);
  void apply(Job& job, const DetectActions& actions);
  std::uint64_t open(Job& job, std::uint32_t connection, bool tls, int attempt = 0);
  void closeSocket(std::uint64_t key);
  void watch(std::uint64_t key, Socket& socket);
  void onEvents(std::uint64_t key, std::uint32_t events);
  void onDetectorIo(Socket& socket, const IoOutcome& outcome);
  void onStartTlsIo(Socket& socket, const IoOutcome& outcome);
  void onTimers();
  TimePoint earliestDeadline() const;
  void detectionDone(Job& job);
  void keepTlsRecord(Job& job, const TlsSession* session, bool require_certificate);
  void finishJob(Job& job);
  void reapFinished();
  void reportAll(bool completed);
};

ServiceProber::ServiceProber(const ProbeDatabase& db, const PatternSet& patterns,
                             core::Clock& clock, ProberOptions options)
    : loop_(std::make_unique<Loop>(db, patterns, clock, options)) {}

ServiceProber::~ServiceProber() = default;

void ServiceProber::submit(std::uint64_t id, ProbeTarget target) {
  {
    std::lock_guard lock(loop_->mutex);
    loop_->submitted.emplace_back(id, std::move(target));
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(loop_->wake.get(), &one, sizeof one);
}

void ServiceProber::close() {
  {
    std::lock_guard lock(loop_->mutex);
    loop_->closed = true;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(loop_->wake.get(), &one, sizeof one);
}

void ServiceProber::run(const std::function<void(ProbeReport)>& on_report,
                        const std::atomic<bool>& stop) {
  loop_->on_report = &on_report;
  loop_->run(stop);
}

void ServiceProber::Loop::run(const std::atomic<bool>& stop) {
  epoll = core::UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid() || !wake.valid()) {
    throw std::system_error(errno, std::generic_category(), "service detection: epoll");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeKey;
  ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &event);
  scratch = std::make_unique<MatchScratch>(patterns);
  tls_context = std::make_unique<TlsClientContext>();

  epoll_event ready[64];
  while (true) {
    const bool no_more = takeSubmitted();
    if (stop.load()) {
      reportAll(false);
      return;
    }
    admit();
    if (no_more && jobs.empty() && waiting.empty()) return;
    const auto wait = std::clamp(earliestDeadline() - clock.now(), TimePoint::duration::zero(),
                                 std::chrono::duration_cast<TimePoint::duration>(kMaxPollSlice));
    const auto wait_ms = std::chrono::ceil<Millis>(wait).count();
    const int count = ::epoll_wait(epoll.get(), ready, 64, static_cast<int>(wait_ms));
    for (int i = 0; i < count; ++i) {
      if (ready[i].data.u64 == kWakeKey) {
        std::uint64_t drained = 0;
        [[maybe_unused]] auto got = ::read(wake.get(), &drained, sizeof drained);
        continue;
      }
      onEvents(ready[i].data.u64, ready[i].events);
    }
    onTimers();
    reapFinished();
  }
}

// Moves submissions into the prober's own queue; true when close() was called.
bool ServiceProber::Loop::takeSubmitted() {
  std::lock_guard lock(mutex);
  while (!submitted.empty()) {
    waiting.push_back(std::move(submitted.front()));
    submitted.pop_front();
  }
  return closed;
}

// Starts waiting ports while the overall and per-host bounds allow, in submission order
// (a port of a busy host waits without holding up the ports of other hosts).
void ServiceProber::Loop::admit() {
  for (auto it = waiting.begin(); it != waiting.end() && jobs.size() < budget.window();) {
    const std::string host = it->second.ip.toString();
    if (per_host[host] >= options.max_ports_per_host) {
      ++it;
      continue;
    }
    auto [id, target] = std::move(*it);
    it = waiting.erase(it);
    startJob(id, std::move(target));
  }
}

void ServiceProber::Loop::startJob(std::uint64_t id, ProbeTarget target) {
  auto job = std::make_unique<Job>();
  job->id = id;
  job->host = target.ip.toString();
  job->address = net::toSocketAddress(target.ip, target.port);
  PlanQuery query;
  query.port = target.port;
  query.intensity = options.intensity;
  job->target = std::move(target);
  job->detector = std::make_unique<PortDetector>(db, patterns, *scratch, query, options.timing);
  ++per_host[job->host];
  Job& ref = *job;
  jobs.push_back(std::move(job));
  apply(ref, ref.detector->start(clock.now()));
}

void ServiceProber::Loop::apply(Job& job, const DetectActions& actions) {
  for (const DetectAction& action : actions) {
    switch (action.kind) {
      case DetectAction::Kind::kConnect:
        job.keys[action.connection] =
            open(job, action.connection, action.tunnel == Tunnel::kSsl, action.attempt);
        break;
      case DetectAction::Kind::kSend:
        if (auto key = job.keys.find(action.connection); key != job.keys.end()) {
          if (auto it = sockets.find(key->second); it != sockets.end()) {
            it->second.io->send(action.bytes);
            watch(key->second, it->second);
          }
        }
        break;
      case DetectAction::Kind::kClose:
        if (auto key = job.keys.find(action.connection); key != job.keys.end()) {
          closeSocket(key->second);
          job.keys.erase(key);
        }
        break;
      case DetectAction::Kind::kWaitUntil:
        job.wake = action.until;
        break;
      case DetectAction::Kind::kDone:
        break;
    }
  }
  if (job.detector->done() && !job.finished && !job.starttls) detectionDone(job);
}

// A failed socket gets a connect deadline of now: the timer pass reports the failure, so the
// detector is never re-entered from inside apply().
// A retry's connect timeout doubles per attempt (see port_detector.h).
std::uint64_t ServiceProber::Loop::open(Job& job, std::uint32_t connection, bool tls, int attempt) {
  const std::uint64_t key = next_key++;
  Socket& socket = sockets[key];
  socket.job = &job;
  socket.connection = connection;
  socket.io = std::make_unique<ProberConnection>(job.address, tls ? tls_context.get() : nullptr,
                                                 job.target.server_name);
  socket.connect_deadline =
      socket.io->dead() ? clock.now() : clock.now() + options.connect_timeout * (1 << attempt);
  watch(key, socket);
  return key;
}

void ServiceProber::Loop::watch(std::uint64_t key, Socket& socket) {
  const std::uint32_t wanted = socket.io->interest();
  if (wanted == socket.registered || socket.io->fd() < 0) return;
  epoll_event event{};
  event.events = wanted;
  event.data.u64 = key;
  const int op = socket.registered == 0 ? EPOLL_CTL_ADD
                 : wanted == 0          ? EPOLL_CTL_DEL
                                        : EPOLL_CTL_MOD;
  ::epoll_ctl(epoll.get(), op, socket.io->fd(), &event);
  socket.registered = wanted;
}

void ServiceProber::Loop::closeSocket(std::uint64_t key) {
  sockets.erase(key);  // closing the fd removes it from the epoll set
}

void ServiceProber::Loop::onEvents(std::uint64_t key, std::uint32_t events) {
  auto it = sockets.find(key);
  if (it == sockets.end()) return;
  Socket& socket = it->second;
  IoOutcome outcome = socket.io->handle(events);
  if (outcome.ready) socket.connect_deadline = TimePoint::max();
  if (socket.connection == 0) {
    onStartTlsIo(socket, outcome);
  } else {
    onDetectorIo(socket, outcome);
  }
  if (auto again = sockets.find(key); again != sockets.end()) {
    if (again->second.io->dead()) {
      sockets.erase(again);
    } else {
      watch(key, again->second);
    }
  }
}

void ServiceProber::Loop::onDetectorIo(Socket& socket, const IoOutcome& outcome) {
  Job& job = *socket.job;
  const std::uint32_t id = socket.connection;
  if (job.detector->done()) return;
  const TlsSession* session = socket.io->tls();
  const TimePoint now = clock.now();
  if (outcome.failed) {
    keepTlsRecord(job, session, true);  // mutual TLS: the certificate came before the refusal
    job.keys.erase(id);
    budget.onConnectFailed(now);
    apply(job, job.detector->onConnectFailed(id, now));
    return;
  }
  if (outcome.ready) {
    keepTlsRecord(job, session, false);
    apply(job, job.detector->onConnected(id, now));
  }
  if (!outcome.data.empty() && !job.detector->done()) {
    apply(job, job.detector->onData(id, outcome.data, now));
  }
  if (outcome.closed && !job.detector->done()) {
    job.keys.erase(id);
    apply(job, job.detector->onPeerClosed(id, now));
  }
}

// Detection ended: STARTTLS next when the plain service offers it, else the port is done.
void ServiceProber::Loop::detectionDone(Job& job) {
  for (const auto& [id, key] : job.keys) closeSocket(key);
  job.keys.clear();
  job.wake = TimePoint::max();
  const auto protocol =
      options.starttls && !job.tls ? startTlsProtocolFor(job.detector->result()) : std::nullopt;
  if (!protocol) {
    finishJob(job);
    return;
  }
  job.starttls = std::make_unique<StartTlsDialogue>(*protocol);
  job.starttls_deadline = clock.now() + options.starttls_timeout;
  job.starttls_key = open(job, 0, false);
}

void ServiceProber::Loop::onStartTlsIo(Socket& socket, const IoOutcome& outcome) {
  Job& job = *socket.job;
  if (job.finished) return;
  if (socket.io->tls() != nullptr) {  // upgraded: the handshake's end is all we wait for
    if (outcome.ready || outcome.failed || outcome.closed) {
      keepTlsRecord(job, socket.io->tls(), !outcome.ready);
      finishJob(job);
    }
    return;
  }
  if (outcome.failed) {
    finishJob(job);
    return;
  }
  StartTlsStep step;
  if (!outcome.data.empty()) step = job.starttls->receive(outcome.data);
  if (outcome.closed && step.outcome == StartTlsOutcome::kContinue) {
    step = job.starttls->peerClosed();
  }
  if (!step.send.empty()) socket.io->send(step.send);
  if (step.outcome == StartTlsOutcome::kUpgrade) {
    IoOutcome started = socket.io->upgrade(*tls_context);
    if (started.failed) finishJob(job);
  } else if (step.outcome != StartTlsOutcome::kContinue) {
    finishJob(job);
  }
}

void ServiceProber::Loop::keepTlsRecord(Job& job, const TlsSession* session,
                                        bool require_certificate) {
  if (session == nullptr || job.tls) return;
  TlsRecord record = inspectSession(*session, clock.wallNow());
  if (require_certificate && !record.certificate) return;
  job.tls = std::move(record);
}

void ServiceProber::Loop::onTimers() {
  const TimePoint now = clock.now();
  std::vector<std::uint64_t> expired;
  for (const auto& [key, socket] : sockets) {
    if (socket.connect_deadline <= now) expired.push_back(key);
  }
  for (std::uint64_t key : expired) {
    auto it = sockets.find(key);
    if (it == sockets.end()) continue;
    Job& job = *it->second.job;
    const std::uint32_t id = it->second.connection;
    sockets.erase(it);
    if (id == 0) {
      finishJob(job);
    } else if (!job.detector->done()) {
      job.keys.erase(id);
      budget.onConnectFailed(now);
      apply(job, job.detector->onConnectFailed(id, now));
    }
  }
  for (auto& job : jobs) {
    if (job->finished) continue;
    if (job->starttls && job->starttls_deadline <= now) finishJob(*job);
    if (!job->starttls && job->wake <= now && !job->detector->done()) {
      job->wake = TimePoint::max();
      apply(*job, job->detector->onTimeout(now));
    }
  }
}

TimePoint ServiceProber::Loop::earliestDeadline() const {
  TimePoint earliest = TimePoint::max();
  for (const auto& [key, socket] : sockets) earliest = std::min(earliest, socket.connect_deadline);
  for (const auto& job : jobs) {
    earliest = std::min({earliest, job->wake, job->starttls_deadline});
  }
  return earliest;
}

void ServiceProber::Loop::finishJob(Job& job) {
  if (job.finished) return;
  job.finished = true;
  for (const auto& [id, key] : job.keys) closeSocket(key);
  job.keys.clear();
  if (job.starttls_key != 0) closeSocket(job.starttls_key);
  job.starttls_key = 0;
  --per_host[job.host];
  if (job.detector->result().identified) budget.onIdentified();
  (*on_report)(ProbeReport{job.id, job.detector->result(), std::move(job.tls), true});
}

void ServiceProber::Loop::reapFinished() {
  std::erase_if(jobs, [](const std::unique_ptr<Job>& job) { return job->finished; });
  std::erase_if(per_host, [](const auto& entry) { return entry.second == 0; });
}

// Stop: every port still in detection or waiting is reported with what is known.
void ServiceProber::Loop::reportAll(bool completed) {
  sockets.clear();
  for (auto& job : jobs) {
    if (job->finished) continue;
    job->finished = true;
    (*on_report)(ProbeReport{job->id, job->detector->result(), std::move(job->tls), completed});
  }
  jobs.clear();
  for (auto& [id, target] : waiting) (*on_report)(ProbeReport{id, {}, std::nullopt, completed});
  waiting.clear();
}

}  // namespace portlens::detect
