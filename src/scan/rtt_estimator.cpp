#include "scan/rtt_estimator.h"

#include <algorithm>
#include <cstdlib>

namespace portlens::scan {

void RttEstimator::addSample(std::chrono::nanoseconds rtt) {
  long long r = std::max<long long>(rtt.count(), 0);
  if (samples_ == 0) {
    srtt_ns_ = r;
    rttvar_ns_ = r / 2;
  } else {
    rttvar_ns_ = (3 * rttvar_ns_ + std::llabs(srtt_ns_ - r)) / 4;
    srtt_ns_ = (7 * srtt_ns_ + r) / 8;
  }
  ++samples_;
}

std::chrono::nanoseconds RttEstimator::timeout(const RttLimits& limits) const {
  if (samples_ == 0) return limits.initial;
  auto rto = std::chrono::nanoseconds(
      srtt_ns_ + std::max<long long>(limits.granularity.count(), 4 * rttvar_ns_));
  return std::clamp(rto, limits.floor, limits.ceiling);
}

}  // namespace portlens::scan
