#include "scan/syn/rate_controller.h"

#include <algorithm>

namespace portlens::scan::syn {
namespace {

constexpr std::uint64_t kMinWindowProbes = 256;
// A window must expect this many answers before its ratio means anything (binomial noise
// ~6%, well inside the 15% cut): sparse targets get longer windows, not noisier decisions.
constexpr double kMinExpectedAnswers = 256;
// A scan nobody answers still speeds up, one window per this many probes.
constexpr std::uint64_t kSilentWindowProbes = 1 << 16;
constexpr double kCutThreshold = 0.85;
constexpr double kCutFactor = 0.7;

}  // namespace

RateController::RateController(Settings settings)
    : settings_(settings), rate_(std::clamp(settings.initial, settings.floor, settings.ceiling)) {}

void RateController::onSent(std::uint64_t ordinal, Nanos now) {
  const std::uint64_t block = ordinal / kBlock;
  for (std::uint64_t newest = newest_block_.load(std::memory_order_relaxed); newest <= block;) {
    auto& fresh = ring_[newest % kRing];
    fresh.sent = 0;
    fresh.answered.store(0, std::memory_order_relaxed);
    fresh.first = now;
    newest_block_.store(++newest, std::memory_order_release);
  }
  auto& entry = ring_[block % kRing];
  ++entry.sent;
  entry.last = now;
}

void RateController::creditAnswer(std::uint64_t ordinal) {
  const std::uint64_t block = ordinal / kBlock;
  // Blocks the ring has reused (or not opened yet) are not credited.
  const std::uint64_t newest = newest_block_.load(std::memory_order_acquire);
  if (block >= newest || block + kRing < newest) return;
  ring_[block % kRing].answered.fetch_add(1, std::memory_order_relaxed);
}

bool RateController::update(Nanos now, Nanos settle) {
  const double before = rate_;
  const std::uint64_t newest = newest_block_.load(std::memory_order_relaxed);  // our own writes
  if (newest > kRing && next_judged_ < newest - kRing) {
    next_judged_ = newest - kRing;
    window_sent_ = window_answered_ = 0;
  }
  // The newest block may still grow; everything before it is complete.
  while (next_judged_ + 1 < newest) {
    const auto& block = ring_[next_judged_ % kRing];
    if (block.last + settle > now) break;
    if (window_sent_ == 0) {
      window_first_ = next_judged_;
      window_start_ = block.first;
    }
    window_end_ = block.last;
    window_sent_ += block.sent;
    window_answered_ += block.answered.load(std::memory_order_relaxed);
    ++next_judged_;
    // Before a reference exists, the answers themselves must be plentiful; after, the answers
    // the reference predicts (congestion shows as the actual count falling short of it).
    const double evidence =
        reference_ratio_ > 0 ? double(window_sent_) * reference_ratio_ : double(window_answered_);
    if (window_sent_ >= kMinWindowProbes &&
        (evidence >= kMinExpectedAnswers || window_sent_ >= kSilentWindowProbes)) {
      judge();
    }
  }
  return rate_ != before;
}

void RateController::judge() {
  const double ratio = double(window_answered_) / double(window_sent_);
  const double span = std::chrono::duration<double>(window_end_ - window_start_).count();
  const double sent_rate = span > 0 ? double(window_sent_) / span : rate_;
  const bool after_cut = window_first_ >= first_after_cut_;
  window_sent_ = window_answered_ = 0;
  if (!after_cut) return;  // sent at a rate that has been cut since
  if (reference_ratio_ < 0) reference_ratio_ = ratio;
  if (ratio < kCutThreshold * reference_ratio_) {
    rate_ = std::max(settings_.floor, kCutFactor * std::min(rate_, sent_rate));
    slow_start_ = false;
    ++decreases_;
    first_after_cut_ = newest_block_.load(std::memory_order_relaxed);
    return;
  }
  reference_ratio_ = std::max(ratio, 0.9 * reference_ratio_ + 0.1 * ratio);
  // Grow from what the sender achieved, so a rate the sender cannot reach never piles up.
  const double grown = rate_ * (slow_start_ ? 2.0 : 1.15);
  rate_ = std::min({settings_.ceiling, grown, std::max(rate_, 4 * sent_rate)});
}

}  // namespace portlens::scan::syn
