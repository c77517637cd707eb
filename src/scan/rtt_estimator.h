// Retransmission timeout from measured round-trip times, RFC 6298 style:
//   first sample R:  SRTT = R, RTTVAR = R/2
//   later samples:   RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|;  SRTT = 7/8 SRTT + 1/8 R
//   RTO = SRTT + max(G, 4 RTTVAR), clamped to [floor, ceiling]; before any sample: initial.
// Not thread-safe; one per host (plus one global fallback) inside the engine's thread.
#pragma once

#include <chrono>

namespace portlens::scan {

struct RttLimits {
  std::chrono::nanoseconds initial{std::chrono::seconds(1)};
  std::chrono::nanoseconds floor{std::chrono::milliseconds(10)};
  std::chrono::nanoseconds ceiling{std::chrono::seconds(3)};
  // Clock granularity G: the smallest variance term, so a run of identical samples cannot
  // shrink the timeout to exactly the mean.
  std::chrono::nanoseconds granularity{std::chrono::microseconds(500)};
};

class RttEstimator {
 public:
  void addSample(std::chrono::nanoseconds rtt);
  bool hasSample() const { return samples_ > 0; }
  std::chrono::nanoseconds timeout(const RttLimits& limits) const;
  std::chrono::nanoseconds smoothed() const { return std::chrono::nanoseconds(srtt_ns_); }
  std::chrono::nanoseconds variance() const { return std::chrono::nanoseconds(rttvar_ns_); }

 private:
  long long srtt_ns_ = 0;
  long long rttvar_ns_ = 0;
  unsigned long long samples_ = 0;
};

}  // namespace portlens::scan
