#include "scan/syn/syn_sender.h"

#include <sys/prctl.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "net/syn_frame.h"
#include "scan/syn/send_pacer.h"

namespace portlens::scan::syn {
namespace {

using Nanos = std::chrono::nanoseconds;
constexpr std::uint32_t kMaxBatch = 64;

// Frames waiting to go out, one buffer per address family.
struct Batch {
  std::array<std::array<std::uint8_t, net::kMaxSynFrameSize>, kMaxBatch> frames{};
  std::array<const std::uint8_t*, kMaxBatch> pointers{};
  std::array<std::size_t, kMaxBatch> lengths{};
  std::array<std::uint64_t, kMaxBatch> ordinals{};
  std::uint32_t count = 0;
};

class Sender {
 public:
  Sender(ScanState& state, PacketIo& io, const std::atomic<bool>& stop)
      : state_(state),
        io_(io),
        stop_(stop),
        adaptive_(state.config.rate <= 0),
        pacer_(adaptive_ ? state.controller.rate() : state.config.rate, kMaxBatch) {}

  void run(const ResumePoint* resume_from) {
    unsigned round = resume_from ? resume_from->round : 1;
    std::uint64_t ordinal = resume_from ? resume_from->next_ordinal : 0;
    const unsigned max_rounds = std::min(kMaxRounds, state_.config.max_retries + 1);
    for (;;) {
      state_.round.store(round, std::memory_order_relaxed);
      const Nanos round_started = state_.sinceStart();
      const std::uint64_t sent = sendRound(round, ordinal);
      if (round == 1) {
        state_.first_round_probes.store(sent);
        state_.first_round_ns.store((state_.sinceStart() - round_started).count());
      }
      if (stopped()) break;
      state_.next_ordinal.store(state_.shard_size, std::memory_order_relaxed);
      if (sent == 0 && round > 1) {  // nothing was pending: this round never happened
        state_.round.store(round - 1, std::memory_order_relaxed);
        break;
      }
      if (!waitForAnswers()) break;
      if (!needAnotherRound(round, max_rounds, answers(round), answeredTotal(),
                            answeredAfterRetry())) {
        break;
      }
      ++round;
      ordinal = 0;
      state_.next_ordinal.store(0, std::memory_order_relaxed);
    }
    if (stopped()) {
      state_.interrupted.store(true);
      // Answers to the probes in flight still count; wait a little for them.
      state_.clock.sleepFor(std::min(rto(), Nanos(std::chrono::milliseconds(200))));
    }
    state_.sender_done.store(true, std::memory_order_release);
  }

 private:
  std::uint64_t sendRound(unsigned round, std::uint64_t first_ordinal) {
    round_ = round;
    std::uint64_t sent = 0;
    for (std::uint64_t ordinal = first_ordinal; ordinal < state_.shard_size; ++ordinal) {
      if ((ordinal & 255) == 0 && stopped()) {
        flushAll();
        state_.next_ordinal.store(ordinal, std::memory_order_relaxed);  // all queued went out
        return sent;
      }
      const std::uint64_t flat = state_.space.flatAt(state_.plan.shard.position(ordinal));
      if (state_.states.get(flat) != Outcome::kPending) continue;
      queue(ordinal, flat);
      ++sent;
    }
    flushAll();
    return sent;
  }

  void queue(std::uint64_t ordinal, std::uint64_t flat) {
    const ProbeTarget target = state_.space.decompose(flat);
    const core::IpAddress address = state_.targets.at(target.host_index);
    const net::FrameOrigin& origin = address.isV4() ? *state_.plan.ipv4 : *state_.plan.ipv6;
    Batch& batch = address.isV4() ? v4_ : v6_;
    net::SynProbe probe;
    probe.target = address;
    probe.source_port = state_.sourcePort(round_);
    probe.target_port = state_.ports[target.port_index];
    probe.sequence =
        state_.cookies.cookie(origin.source, address, probe.source_port, probe.target_port);
    probe.ip_id = static_cast<std::uint16_t>(probe.sequence >> 16);
    const std::uint32_t i = batch.count++;
    batch.lengths[i] = net::buildSynFrame(origin, probe, batch.frames[i]);
    batch.pointers[i] = batch.frames[i].data();
    batch.ordinals[i] = ordinal;
    if (batch.count >= pacer_.batch()) flush(batch, address.family());
  }

  void flushAll() {
    flush(v4_, core::Family::kIpv4);
    flush(v6_, core::Family::kIpv6);
  }

  void flush(Batch& batch, core::Family family) {
    std::uint32_t done = 0;
    while (done < batch.count) {
      std::uint32_t granted = pacer_.take(state_.sinceStart());
      if (granted == 0) {
        state_.clock.sleepFor(pacer_.waitTime(state_.sinceStart()));
        continue;
      }
      granted = std::min(granted, batch.count - done);
      const Nanos now = state_.sinceStart();
      const bool steering = adaptive_ && round_ == 1;
      for (std::uint32_t i = done; i < done + granted; ++i) {
        state_.send_log.record(batch.ordinals[i], round_, now);
        if (steering) state_.controller.onSent(batch.ordinals[i], now);
      }
      const std::size_t taken = io_.send(family, std::span(batch.pointers.data() + done, granted),
                                         std::span(batch.lengths.data() + done, granted));
      if (taken < granted) {
        pacer_.giveBack(static_cast<std::uint32_t>(granted - taken));
        // The interface queue is full: let it drain rather than spin.
        state_.clock.sleepFor(std::chrono::microseconds(50));
      }
      done += static_cast<std::uint32_t>(taken);
      state_.probes_sent.fetch_add(taken, std::memory_order_relaxed);
      if (adaptive_ && round_ == 1) steer(now);
    }
    batch.count = 0;
  }

  // Adaptive rate: only the first round says how fast the path is; retries go to the silent
  // probes, whose low answer ratio says nothing about congestion.
  void steer(Nanos now) {
    if (state_.controller.update(now, rto())) pacer_.setRate(state_.controller.rate());
  }

  bool stopped() const {
    return stop_.load(std::memory_order_relaxed) || state_.abort.load(std::memory_order_relaxed);
  }

  Nanos rto() const {
    const std::int64_t measured = state_.rto_ns.load(std::memory_order_relaxed);
    return measured > 0 ? Nanos(measured) : state_.config.rtt.initial;
  }

  // Waits one RTO after the last probe of a round (re-reading the RTO as samples arrive);
  // false when the scan was stopped meanwhile.
  bool waitForAnswers() {
    const Nanos from = state_.sinceStart();
    while (state_.sinceStart() - from < rto()) {
      if (stopped()) return false;
      state_.clock.sleepFor(
          std::min(rto() - (state_.sinceStart() - from), Nanos(std::chrono::milliseconds(5))));
    }
    return !stopped();
  }

  std::uint64_t answers(unsigned round) const {
    return state_.answers_by_round[round].load(std::memory_order_relaxed);
  }
  std::uint64_t answeredTotal() const {
    std::uint64_t total = 0;
    for (unsigned r = 1; r <= kMaxRounds; ++r) total += answers(r);
    return total;
  }
  std::uint64_t answeredAfterRetry() const { return answeredTotal() - answers(1); }

  ScanState& state_;
  PacketIo& io_;
  const std::atomic<bool>& stop_;
  bool adaptive_;
  SendPacer pacer_;
  unsigned round_ = 1;
  Batch v4_;
  Batch v6_;
};

}  // namespace

bool needAnotherRound(unsigned round, unsigned max_rounds, std::uint64_t answers_last_round,
                      std::uint64_t answered_total, std::uint64_t answered_after_retry) {
  if (round >= max_rounds) return false;
  if (round == 1) return true;  // the first retry tells lost from filtered
  if (answers_last_round > 0) return true;
  if (answered_total == 0) return false;
  const double loss = double(answered_after_retry) / double(answered_total);
  const double still_hidden = double(answered_total) * std::pow(loss, double(round));
  return still_hidden > 1e-3;
}

void runSender(ScanState& state, PacketIo& io, const std::atomic<bool>& stop,
               const ResumePoint* resume_from) {
  // Sleeps of a few microseconds must not become 50 (the default timer slack).
  ::prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  Sender(state, io, stop).run(resume_from);
}

}  // namespace portlens::scan::syn
