#include "scan/engine.h"

#include <algorithm>
#include <deque>
#include <queue>
#include <vector>

#include "scan/host_tracker.h"
#include "scan/rate_limiter.h"
#include "scan/target_space.h"

namespace portlens::scan {
namespace {

using TimePoint = core::Clock::SteadyTime;
using std::chrono::nanoseconds;

struct Slot {
  std::uint64_t flat = 0;  // host_index * port_count + port_index
  TimePoint sent;
  std::uint32_t serial = 0;  // tells a live deadline from one left by an earlier probe
  std::uint8_t attempt = 0;
};

struct Deadline {
  TimePoint at;
  std::uint32_t slot;
  std::uint32_t serial;
  bool operator>(const Deadline& other) const { return at > other.at; }
};

struct PendingProbe {
  std::uint64_t flat;
  std::uint8_t attempt;
};

class ScanRun {
 public:
  ScanRun(const ScanConfig& config, const core::TargetSet& targets, const core::PortSet& ports,
          Transport& transport, core::Clock& clock, ScanObserver& observer)
      : config_(config),
        targets_(targets),
        ports_(ports.ports()),
        transport_(transport),
        clock_(clock),
        observer_(observer),
        space_(targets, ports, config.seed),
        hosts_(space_.hostCount(), space_.portCount()),
        rate_(config.rate, clock.now()),
        slots_(transport.capacity()),
        in_use_(transport.capacity(), false),
        max_parallel_(std::min<std::uint32_t>(
            config.max_parallel == 0 ? transport.capacity() : config.max_parallel,
            transport.capacity())),
        parallel_limit_(std::min(kInitialWindow, max_parallel_)) {
    free_slots_.reserve(slots_.size());
    for (std::uint32_t i = static_cast<std::uint32_t>(slots_.size()); i-- > 0;) {
      free_slots_.push_back(i);
    }
    answers_.reserve(1024);
  }

  ScanSummary run(const std::atomic<bool>& stop) {
    const auto started = clock_.now();
    auto next_progress = started + config_.progress_interval;
    std::uint64_t probes_at_last_progress = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      auto now = clock_.now();
      expireTimeouts(now);
      bool blocked = fill(now);
      if (in_flight_ == 0 && retries_.empty() && next_position_ >= space_.size()) break;

      nanoseconds wait = std::chrono::milliseconds(100);  // bounds the reaction to `stop`
      if (!deadlines_.empty()) wait = std::min(wait, nanoseconds(deadlines_.top().at - now));
      if (blocked) wait = std::min<nanoseconds>(wait, std::chrono::milliseconds(1));
      // Room left in the window (the per-round start cap ended the fill): only the rate, if
      // any, may make us wait.
      if (hasWork() && in_flight_ < parallel_limit_) wait = std::min(wait, rate_.waitTime(now));
      transport_.poll(std::max(wait, nanoseconds(0)), answers_);
      handleAnswers();
      while (transport_.moreReady()) {
        transport_.poll(nanoseconds(0), answers_);
        handleAnswers();
      }

      now = clock_.now();
      if (now >= next_progress) {
        reportProgress(now, started, probes_sent_ - probes_at_last_progress);
        probes_at_last_progress = probes_sent_;
        next_progress = now + config_.progress_interval;
      }
    }
    const bool interrupted =
        stop.load(std::memory_order_relaxed) &&
        (in_flight_ > 0 || !retries_.empty() || next_position_ < space_.size());
    return finish(started, interrupted);
  }

 private:
  bool hasWork() const { return !retries_.empty() || next_position_ < space_.size(); }

  void expireTimeouts(TimePoint now) {
    while (!deadlines_.empty() && deadlines_.top().at <= now) {
      Deadline d = deadlines_.top();
      deadlines_.pop();
      Slot& slot = slots_[d.slot];
      if (slot.serial != d.serial || !busy(d.slot)) continue;
      transport_.abandon(d.slot);
      release(d.slot);
      // Silence grows the window too: on a host that drops everything no answer ever comes,
      // and a window stuck at its initial size would make such a scan crawl.
      growWindow();
      if (slot.attempt <= config_.max_retries) {
        retries_.push_back({slot.flat, static_cast<std::uint8_t>(slot.attempt + 1)});
      } else {
        finalize(slot.flat, PortState::kFiltered, Reason::kNoResponse, kNoRtt, slot.attempt);
      }
    }
  }

  // Starts probes until the in-flight limit, the rate or the work runs out. Returns true when
  // the transport reported a local shortage, so the caller polls briefly and tries again.
  bool fill(TimePoint now) {
    // Starting probes costs syscalls; a bounded batch keeps answers from waiting behind
    // thousands of connect() calls (which would inflate RTTs and time out answered probes).
    constexpr int kMaxStartsPerRound = 256;
    for (int started = 0; started < kMaxStartsPerRound && in_flight_ < parallel_limit_ && hasWork();
         ++started) {
      if (!rate_.tryAcquire(now)) return false;
      PendingProbe probe;
      if (!retries_.empty()) {
        probe = retries_.front();
        retries_.pop_front();
      } else {
        probe = {space_.flatAt(next_position_++), 1};
      }
      const ProbeTarget target = space_.decompose(probe.flat);
      const std::uint32_t slot = free_slots_.back();
      if (transport_.start(slot, targets_.at(target.host_index), ports_[target.port_index]) ==
          StartStatus::kBusy) {
        // Out of fds or ephemeral ports: shrink the window to what the system sustains.
        retries_.push_front(probe);
        parallel_limit_ = std::max<std::uint32_t>(1, in_flight_);
        return true;
      }
      free_slots_.pop_back();
      ++in_flight_;
      ++probes_sent_;
      in_use_[slot] = true;
      Slot& s = slots_[slot];
      s.flat = probe.flat;
      s.sent = now;
      s.attempt = probe.attempt;
      s.serial = ++serial_;
      if (probe.attempt == 1) hosts_.markStarted(target.host_index, clock_.wallNow());
      deadlines_.push({now + hosts_.rtt(target.host_index).timeout(config_.rtt), slot, s.serial});
    }
    return false;
  }

  void handleAnswers() {
    for (const ProbeAnswer& answer : answers_) {
      const Slot& slot = slots_[answer.slot];
      const nanoseconds rtt = answer.seen - slot.sent;
      const std::uint64_t host = slot.flat / space_.portCount();
      const bool first_sample = !hosts_.rtt(host).hasSample();
      hosts_.rtt(host).addSample(rtt);
      if (first_sample) rearmDeadlines(host);
      release(answer.slot);
      finalize(slot.flat, answer.state, answer.reason, rtt, slot.attempt);
      growWindow();
    }
    answers_.clear();
  }

  // Probes sent to a host before its first answer carry the long initial timeout. Once the
  // host has a measured RTT they get a deadline from it too (an extra heap entry with the same
  // serial; whichever fires first while the probe is live counts), so probes lost to ARP/NDP
  // at first contact are re-sent after milliseconds, not after a second.
  void rearmDeadlines(std::uint64_t host) {
    const nanoseconds timeout = hosts_.rtt(host).timeout(config_.rtt);
    for (std::uint32_t i = 0; i < slots_.size(); ++i) {
      if (in_use_[i] && slots_[i].flat / space_.portCount() == host) {
        deadlines_.push({slots_[i].sent + timeout, i, slots_[i].serial});
      }
    }
  }

  // Slow start: one more probe in flight per finished probe doubles the window every round
  // trip, up to the maximum (also how the window recovers after a shortage).
  void growWindow() {
    if (parallel_limit_ < max_parallel_) ++parallel_limit_;
  }

  bool busy(std::uint32_t slot) const { return in_use_[slot]; }

  void release(std::uint32_t slot) {
    in_use_[slot] = false;
    free_slots_.push_back(slot);
    --in_flight_;
  }

  void finalize(std::uint64_t flat, PortState state, Reason reason, nanoseconds rtt,
                std::uint8_t attempts) {
    const ProbeTarget target = space_.decompose(flat);
    PortRecord record;
    record.ip = targets_.at(target.host_index);
    record.hostname = targets_.hostnameOf(record.ip);
    record.port = ports_[target.port_index];
    record.state = state;
    record.reason = reason;
    record.rtt = rtt;
    record.attempts = attempts;
    ++ports_done_;
    totals_[state] += 1;
    observer_.onPort(record);
    if (hosts_.record(target.host_index, state, reason)) {
      ++hosts_completed_;
      observer_.onHost(hosts_.makeRecord(target.host_index, targets_, clock_.wallNow()));
    }
  }

  void reportProgress(TimePoint now, TimePoint started, std::uint64_t sent) {
    ScanProgress progress;
    progress.ports_done = ports_done_;
    progress.ports_total = space_.size();
    progress.probes_sent = probes_sent_;
    progress.open_found = totals_.open;
    progress.elapsed_seconds = std::chrono::duration<double>(now - started).count();
    progress.probes_per_second = static_cast<double>(sent) /
                                 std::chrono::duration<double>(config_.progress_interval).count();
    if (ports_done_ > 0) {
      progress.eta_seconds = progress.elapsed_seconds *
                             static_cast<double>(space_.size() - ports_done_) /
                             static_cast<double>(ports_done_);
    }
    observer_.onProgress(progress);
  }

  ScanSummary finish(TimePoint started, bool interrupted) {
    for (std::uint32_t slot = 0; slot < in_use_.size(); ++slot) {
      if (in_use_[slot]) {
        transport_.abandon(slot);
        release(slot);
      }
    }
    const auto now_wall = clock_.wallNow();
    if (interrupted) {
      // Hosts cut short still get their record, so buffered formats print what was found.
      for (std::uint64_t host = 0; host < hosts_.hostCount(); ++host) {
        if (hosts_.touched(host) && !hosts_.complete(host)) {
          observer_.onHost(hosts_.makeRecord(host, targets_, now_wall));
        }
      }
    }
    ScanSummary summary;
    summary.totals = totals_;
    summary.hosts_completed = hosts_completed_;
    summary.probes_sent = probes_sent_;
    summary.elapsed_seconds = std::chrono::duration<double>(clock_.now() - started).count();
    summary.interrupted = interrupted;
    summary.finished = now_wall;
    return summary;
  }

  const ScanConfig& config_;
  const core::TargetSet& targets_;
  const std::vector<std::uint16_t>& ports_;
  Transport& transport_;
  core::Clock& clock_;
  ScanObserver& observer_;
  TargetSpace space_;
  HostTracker hosts_;
  RateLimiter rate_;

  std::vector<Slot> slots_;
  std::vector<bool> in_use_;
  std::vector<std::uint32_t> free_slots_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::deque<PendingProbe> retries_;
  std::vector<ProbeAnswer> answers_;

  // The window starts small: the first packets to a new network often wait for ARP/NDP,
  // whose queue holds only a few packets, and a blind burst of thousands would be dropped.
  static constexpr std::uint32_t kInitialWindow = 64;
  std::uint32_t max_parallel_;
  std::uint32_t parallel_limit_;
  std::uint32_t in_flight_ = 0;
  std::uint32_t serial_ = 0;
  std::uint64_t next_position_ = 0;
  std::uint64_t probes_sent_ = 0;
  std::uint64_t ports_done_ = 0;
  std::uint64_t hosts_completed_ = 0;
  StateCounts totals_;
};

}  // namespace

ScanSummary runScan(const ScanConfig& config, const core::TargetSet& targets,
                    const core::PortSet& ports, Transport& transport, core::Clock& clock,
                    ScanObserver& observer, const std::atomic<bool>& stop) {
  ScanRun run(config, targets, ports, transport, clock, observer);
  return run.run(stop);
}

}  // namespace portlens::scan
