#include "scan/syn/syn_engine.h"

#include <optional>
#include <stdexcept>
#include <thread>

#include "scan/rtt_estimator.h"
#include "scan/syn/reply_matcher.h"
#include "scan/syn/scan_state.h"
#include "scan/syn/syn_sender.h"

namespace portlens::scan::syn {
namespace {

constexpr std::size_t kReasonCount = static_cast<std::size_t>(Reason::kLocalError) + 1;

Outcome outcomeOf(PortState state) {
  return state == PortState::kOpen     ? Outcome::kOpen
         : state == PortState::kClosed ? Outcome::kClosed
                                       : Outcome::kIcmpFiltered;
}

// The receiving half, on the calling thread, and the final report.
class Receiver {
 public:
  Receiver(ScanState& state, PacketIo& io, ScanObserver& observer)
      : state_(state), io_(io), observer_(observer), matcher_(state) {}

  void run() {
    auto next_progress = state_.clock.now() + state_.config.progress_interval;
    auto visit = [this](std::span<const std::uint8_t> frame) { handle(frame); };
    while (!state_.sender_done.load(std::memory_order_acquire)) {
      io_.receive(std::chrono::milliseconds(5), visit);
      if (state_.clock.now() >= next_progress) {
        reportProgress();
        next_progress = state_.clock.now() + state_.config.progress_interval;
      }
    }
    // Whatever is already queued still counts.
    while (io_.receive(std::chrono::milliseconds(0), visit) > 0) {
    }
  }

  // Emits the silent probes as filtered (unless interrupted) and one record per host. A
  // resumed run reports only what it found itself (`earlier`: the interrupted run's state
  // words, empty when not resuming), so each run's output is consistent on its own and the
  // two add up.
  ScanSummary finish(bool interrupted, std::span<const std::uint64_t> earlier) {
    ScanSummary summary;
    const auto now = state_.clock.wallNow();
    const std::uint64_t port_count = state_.ports.size();
    const bool sharded = state_.plan.shard.count > 1;
    const unsigned rounds = state_.round.load();
    for (std::uint64_t host = 0; host < state_.space.hostCount(); ++host) {
      HostRecord record;
      bool owned_any = false;
      for (std::uint64_t p = 0; p < port_count; ++p) {
        const std::uint64_t flat = host * port_count + p;
        if (sharded && !state_.plan.shard.owns(state_.space.positionOf(flat))) continue;
        owned_any = true;
        if (!earlier.empty() && ProbeStates::get(earlier, flat) != Outcome::kPending) continue;
        const Outcome outcome = state_.states.get(flat);
        if (outcome == Outcome::kPending) {
          if (interrupted) continue;
          PortRecord port;
          port.ip = state_.targets.at(host);
          port.port = state_.ports[p];
          port.state = PortState::kFiltered;
          port.reason = Reason::kNoResponse;
          port.attempts = static_cast<std::uint8_t>(rounds);
          port.hostname = state_.targets.hostnameOf(port.ip);
          observer_.onPort(port);
          ++record.counts.filtered;
          ++no_response_;
        } else {
          ++record.counts[outcome == Outcome::kOpen     ? PortState::kOpen
                          : outcome == Outcome::kClosed ? PortState::kClosed
                                                        : PortState::kFiltered];
        }
      }
      if (!owned_any || record.counts.total() == 0) continue;
      record.ip = state_.targets.at(host);
      record.hostname = state_.targets.hostnameOf(record.ip);
      record.dominant_reason = {Reason::kSynAck, Reason::kReset, dominantFilteredReason()};
      record.started = state_.wall_started;
      record.finished = now;
      observer_.onHost(record);
      summary.totals.addAll(record.counts);
      ++summary.hosts_completed;
    }
    summary.probes_sent = state_.probes_sent.load();
    summary.elapsed_seconds =
        std::chrono::duration<double>(state_.clock.now() - state_.started).count();
    summary.interrupted = interrupted;
    summary.finished = state_.clock.wallNow();
    return summary;
  }

  std::uint64_t duplicates() const { return duplicates_; }

 private:
  void handle(std::span<const std::uint8_t> frame) {
    const auto matched = matcher_.match(frame);
    if (!matched) return;
    if (!state_.states.settle(matched->flat, outcomeOf(matched->state))) {
      ++duplicates_;
      return;
    }
    const auto now = state_.sinceStart();
    PortRecord record;
    record.ip = matched->target;
    record.port = matched->port;
    record.state = matched->state;
    record.reason = matched->reason;
    record.attempts = static_cast<std::uint8_t>(matched->round);
    record.ttl = matched->ttl;
    record.hostname = state_.targets.hostnameOf(matched->target);
    const std::uint64_t ordinal =
        state_.plan.shard.ordinalOf(state_.space.positionOf(matched->flat));
    if (matched->round == 1 && state_.config.rate <= 0) state_.controller.creditAnswer(ordinal);
    const auto sent = state_.send_log.sentAt(ordinal, matched->round);
    if (sent && now >= *sent) {
      record.rtt = now - *sent;
      rtt_.addSample(record.rtt);
      state_.rto_ns.store(rtt_.timeout(state_.config.rtt).count(), std::memory_order_relaxed);
    }
    state_.answers_by_round[matched->round].fetch_add(1, std::memory_order_relaxed);
    ++settled_;
    if (record.state == PortState::kOpen) ++open_found_;
    if (record.state == PortState::kFiltered)
      ++icmp_reasons_[static_cast<std::size_t>(record.reason)];
    observer_.onPort(record);
  }

  Reason dominantFilteredReason() const {
    std::size_t best = 0;
    for (std::size_t r = 1; r < kReasonCount; ++r) {
      if (icmp_reasons_[r] > icmp_reasons_[best]) best = r;
    }
    if (icmp_reasons_[best] > no_response_) return static_cast<Reason>(best);
    return Reason::kNoResponse;
  }

  void reportProgress() {
    ScanProgress progress;
    const double elapsed = std::chrono::duration<double>(state_.sinceStart()).count();
    const std::uint64_t sent = state_.probes_sent.load(std::memory_order_relaxed);
    progress.ports_total = state_.shard_size;
    // Round 1 progress is the send position; answers settle ports ahead of the rest.
    const std::uint64_t position = state_.round.load() == 1
                                       ? state_.next_ordinal.load(std::memory_order_relaxed)
                                       : state_.shard_size;
    progress.ports_done = std::max(settled_, std::min(position, state_.shard_size));
    progress.probes_sent = sent;
    progress.open_found = open_found_;
    progress.elapsed_seconds = elapsed;
    const double interval = elapsed - last_progress_elapsed_;
    progress.probes_per_second = interval > 0 ? double(sent - last_progress_sent_) / interval : 0;
    if (progress.ports_done > 0 && progress.ports_done < progress.ports_total) {
      progress.eta_seconds = elapsed / double(progress.ports_done) *
                             double(progress.ports_total - progress.ports_done);
    }
    last_progress_elapsed_ = elapsed;
    last_progress_sent_ = sent;
    observer_.onProgress(progress);
  }

  ScanState& state_;
  PacketIo& io_;
  ScanObserver& observer_;
  ReplyMatcher matcher_;
  RttEstimator rtt_;
  std::uint64_t duplicates_ = 0;
  std::uint64_t settled_ = 0;
  std::uint64_t open_found_ = 0;
  std::uint64_t no_response_ = 0;
  std::array<std::uint64_t, kReasonCount> icmp_reasons_{};
  double last_progress_elapsed_ = 0;
  std::uint64_t last_progress_sent_ = 0;
};

void checkPlan(const SynPlan& plan, const core::TargetSet& targets) {
  if (!targets.v4().empty() && !plan.ipv4) {
    throw std::invalid_argument("IPv4 targets but no IPv4 source address or route");
  }
  if (!targets.v6().empty() && !plan.ipv6) {
    throw std::invalid_argument("IPv6 targets but no IPv6 source address or route");
  }
}

}  // namespace

SynResult runSynScan(const ScanConfig& config, const SynPlan& plan, const core::TargetSet& targets,
                     const core::PortSet& ports, PacketIo& io, core::Clock& clock,
                     ScanObserver& observer, const std::atomic<bool>& stop,
                     const ResumePoint* resume_from) {
  checkPlan(plan, targets);
  targets.freeze();  // both threads read it from here on
  ScanState state(config, plan, targets, ports, clock);
  if (resume_from != nullptr && !state.states.restore(resume_from->states)) {
    throw std::invalid_argument("the resume state does not match this scan");
  }
  Receiver receiver(state, io, observer);
  std::thread sender([&] { runSender(state, io, stop, resume_from); });
  try {
    receiver.run();
  } catch (...) {
    // The sender stops with the scan; never leave a joinable thread behind.
    state.abort.store(true);
    sender.join();
    throw;
  }
  sender.join();
  const bool interrupted = state.interrupted.load();
  SynResult result;
  // The interrupted run's words as they are: a second ProbeStates would be one more copy of
  // the whole space. Words of another size (restore() refuses them too) mean no earlier run.
  std::span<const std::uint64_t> earlier;
  if (resume_from != nullptr &&
      resume_from->states.size() == ProbeStates::wordCount(state.space.size())) {
    earlier = resume_from->states;
  }
  result.summary = receiver.finish(interrupted, earlier);
  result.rounds = state.round.load();
  result.duplicates = receiver.duplicates();
  result.final_rate = config.rate > 0 ? config.rate : state.controller.rate();
  const double first_round_seconds = double(state.first_round_ns.load()) / 1e9;
  if (first_round_seconds > 0) {
    result.first_round_rate = double(state.first_round_probes.load()) / first_round_seconds;
  }
  if (interrupted) {
    result.resume.round = state.round.load();
    result.resume.next_ordinal = state.next_ordinal.load();
    result.resume.states = state.states.snapshot();
  }
  return result;
}

}  // namespace portlens::scan::syn
