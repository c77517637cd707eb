#include "scan/rtt_estimator.h"

#include <gtest/gtest.h>

namespace portlens::scan {
namespace {

using namespace std::chrono_literals;

TEST(RttEstimatorTest, InitialTimeoutBeforeAnySample) {
  RttEstimator est;
  RttLimits limits;
  EXPECT_FALSE(est.hasSample());
  EXPECT_EQ(est.timeout(limits), limits.initial);
}

TEST(RttEstimatorTest, FollowsRfc6298) {
  RttEstimator est;
  RttLimits limits;
  limits.floor = 1ns;
  limits.granularity = 1ns;
  est.addSample(100ms);  // SRTT 100, RTTVAR 50 -> RTO 300
  EXPECT_EQ(est.smoothed(), 100ms);
  EXPECT_EQ(est.timeout(limits), 300ms);
  est.addSample(200ms);  // RTTVAR = 3/4*50 + 1/4*100 = 62.5; SRTT = 7/8*100 + 1/8*200 = 112.5
  EXPECT_EQ(est.variance(), 62500us);
  EXPECT_EQ(est.smoothed(), 112500us);
  EXPECT_EQ(est.timeout(limits), 112500us + 4 * 62500us);
}

TEST(RttEstimatorTest, ClampsToFloorAndCeiling) {
  RttLimits limits;
  limits.floor = 10ms;
  limits.ceiling = 1s;
  RttEstimator fast;
  for (int i = 0; i < 50; ++i) fast.addSample(50us);
  EXPECT_EQ(fast.timeout(limits), 10ms);
  RttEstimator slow;
  slow.addSample(5s);
  EXPECT_EQ(slow.timeout(limits), 1s);
}

}  // namespace
}  // namespace portlens::scan
