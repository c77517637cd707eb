#include "scan/syn/rate_controller.h"

#include <algorithm>

namespace portlens::scan::syn {
namespace {

constexpr std::uint64_t kMinWindowProbes = 256;
// A window must expect this many answers before its ratio means anything: sparse targets
// (most of the internet is silent) get longer windows, not noisier decisions.
constexpr double kMinExpectedAnswers = 256;  // ratio noise ~6%, well inside the 15% cut
constexpr double kCutThreshold = 0.85;
constexpr double kCutFactor = 0.7;

}  // namespace

RateController::RateController(Settings settings)
    : settings_(settings), rate_(std::clamp(settings.initial, settings.floor, settings.ceiling)) {}

void RateController::onSent(Nanos now, std::uint64_t count) {
  const std::uint64_t bucket = bucketOf(now);
  while (current_bucket_ < bucket) {
    ++current_bucket_;
    auto& fresh = ring_[current_bucket_ % kRing];
    fresh.sent = 0;
    fresh.answered.store(0, std::memory_order_relaxed);
  }
  ring_[bucket % kRing].sent += count;
}

void RateController::creditAnswer(Nanos sent_at) {
  const std::uint64_t bucket = bucketOf(sent_at);
  ring_[bucket % kRing].answered.fetch_add(1, std::memory_order_relaxed);
}

bool RateController::update(Nanos now, Nanos settle) {
  const double before = rate_;
  // Buckets the ring has already reused cannot be judged any more.
  if (current_bucket_ >= kRing && next_judged_ < current_bucket_ - kRing + 1) {
    next_judged_ = current_bucket_ - kRing + 1;
    window_sent_ = window_answered_ = 0;
  }
  while (next_judged_ < current_bucket_ &&
         settings_.bucket * static_cast<std::int64_t>(next_judged_ + 1) + settle <= now) {
    const auto& bucket = ring_[next_judged_ % kRing];
    if (window_sent_ == 0) window_first_ = next_judged_;
    window_sent_ += bucket.sent;
    window_answered_ += bucket.answered.load(std::memory_order_relaxed);
    ++next_judged_;
    const double expected = reference_ratio_ > 0 ? window_sent_ * reference_ratio_ : window_sent_;
    if (window_sent_ >= kMinWindowProbes && expected >= kMinExpectedAnswers) judge();
  }
  return rate_ != before;
}

void RateController::judge() {
  const double ratio = double(window_answered_) / double(window_sent_);
  const double span = double(next_judged_ - window_first_) *
                      std::chrono::duration<double>(settings_.bucket).count();
  const double sent_rate = span > 0 ? double(window_sent_) / span : rate_;
  const bool after_cut = window_first_ >= first_after_cut_;
  window_sent_ = window_answered_ = 0;
  if (!after_cut) return;  // sent at a rate that has been cut since
  if (reference_ratio_ < 0) reference_ratio_ = ratio;
  if (ratio < kCutThreshold * reference_ratio_) {
    rate_ = std::max(settings_.floor, kCutFactor * std::min(rate_, sent_rate));
    slow_start_ = false;
    ++decreases_;
    first_after_cut_ = current_bucket_ + 1;
    return;
  }
  reference_ratio_ = std::max(ratio, 0.9 * reference_ratio_ + 0.1 * ratio);
  // Grow from what the sender achieved, so a rate the sender cannot reach never piles up.
  const double grown = rate_ * (slow_start_ ? 2.0 : 1.15);
  rate_ = std::min({settings_.ceiling, grown, std::max(rate_, 4 * sent_rate)});
}

}  // namespace portlens::scan::syn
