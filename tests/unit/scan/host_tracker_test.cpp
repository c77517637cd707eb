#include "scan/host_tracker.h"

#include <gtest/gtest.h>

namespace portlens::scan {
namespace {

TEST(HostTrackerTest, CompletesWhenEveryPortIsFinal) {
  core::TargetSet targets;
  targets.add(*core::IpAddress::parse("198.18.0.1"), *core::IpAddress::parse("198.18.0.2"));
  targets.nameAddress(*core::IpAddress::parse("198.18.0.2"), "lab-host");
  HostTracker tracker(2, 3);
  EXPECT_FALSE(tracker.touched(1));
  EXPECT_FALSE(tracker.record(1, PortState::kOpen, Reason::kSynAck));
  EXPECT_TRUE(tracker.touched(1));
  EXPECT_FALSE(tracker.record(1, PortState::kFiltered, Reason::kNoResponse));
  EXPECT_TRUE(tracker.record(1, PortState::kClosed, Reason::kConnRefused));
  EXPECT_TRUE(tracker.complete(1));
  EXPECT_FALSE(tracker.complete(0));

  auto record = tracker.makeRecord(1, targets, {});
  EXPECT_EQ(record.ip.toString(), "198.18.0.2");
  EXPECT_EQ(record.hostname, "lab-host");
  EXPECT_EQ(record.counts.open, 1u);
  EXPECT_EQ(record.counts.closed, 1u);
  EXPECT_EQ(record.counts.filtered, 1u);
}

TEST(HostTrackerTest, DominantReasonPerState) {
  core::TargetSet targets;
  targets.add(*core::IpAddress::parse("198.18.0.1"));
  HostTracker tracker(1, 5);
  tracker.record(0, PortState::kFiltered, Reason::kAdminProhibited);
  tracker.record(0, PortState::kFiltered, Reason::kNoResponse);
  tracker.record(0, PortState::kFiltered, Reason::kNoResponse);
  auto record = tracker.makeRecord(0, targets, {});
  EXPECT_EQ(record.dominant_reason[static_cast<std::size_t>(PortState::kFiltered)],
            Reason::kNoResponse);
}

}  // namespace
}  // namespace portlens::scan
