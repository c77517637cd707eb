// The prober's AIMD window of ports in detection, on a manual time line.
#include "detect/port_budget.h"

#include <gtest/gtest.h>

namespace portlens::detect {
namespace {

using std::chrono::milliseconds;
const PortBudget::TimePoint t0{};

TEST(PortBudget, StartsAtTheConfiguredBound) {
  PortBudget budget(256, 16, milliseconds(1000));
  EXPECT_EQ(budget.window(), 256u);
  budget.onIdentified();
  EXPECT_EQ(budget.window(), 256u);  // never above the bound
}

TEST(PortBudget, ABurstOfFailuresHalvesOnce) {
  PortBudget budget(256, 16, milliseconds(1000));
  for (int i = 0; i < 50; ++i) budget.onConnectFailed(t0 + milliseconds(i * 10));
  EXPECT_EQ(budget.window(), 128u);
  budget.onConnectFailed(t0 + milliseconds(1000));
  EXPECT_EQ(budget.window(), 64u);
}

TEST(PortBudget, NeverBelowTheFloorAndGrowsBackOnePerPort) {
  PortBudget budget(256, 16, milliseconds(1000));
  for (int i = 0; i < 10; ++i) budget.onConnectFailed(t0 + milliseconds(i * 1000));
  EXPECT_EQ(budget.window(), 16u);
  for (int i = 0; i < 20; ++i) budget.onIdentified();
  EXPECT_EQ(budget.window(), 36u);
}

TEST(PortBudget, DegenerateBoundsStayUsable) {
  PortBudget zero(0, 0, milliseconds(0));
  EXPECT_EQ(zero.window(), 1u);
  zero.onConnectFailed(t0);
  EXPECT_EQ(zero.window(), 1u);
  PortBudget floor_above(8, 64, milliseconds(0));
  floor_above.onConnectFailed(t0);
  EXPECT_EQ(floor_above.window(), 8u);
}

}  // namespace
}  // namespace portlens::detect
