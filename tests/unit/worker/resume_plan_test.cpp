#include "worker/resume_plan.h"

#include <gtest/gtest.h>

namespace portlens::worker {
namespace {

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

TEST(ResumePlan, NothingDoneMeansEverything) {
  core::TargetSet targets;
  targets.add(ip("198.19.0.7"));
  auto plan = planResume(targets, core::PortSet::range(1, 100), {});
  EXPECT_EQ(plan.targets.size(), 1u);
  EXPECT_EQ(plan.ports.size(), 100u);
}

TEST(ResumePlan, OneHostIsExact) {
  core::TargetSet targets;
  targets.add(ip("198.19.0.7"));
  targets.nameAddress(ip("198.19.0.7"), "lab.example");
  auto plan = planResume(targets, core::PortSet::range(1, 10),
                         {{ip("198.19.0.7"), 1}, {ip("198.19.0.7"), 2}, {ip("198.19.0.7"), 10}});
  EXPECT_EQ(plan.ports.toString(), "3-9");
  EXPECT_EQ(plan.targets.hostnameOf(ip("198.19.0.7")), "lab.example");
}

TEST(ResumePlan, FinishedHostsAreDroppedAndMissingPortsUnited) {
  core::TargetSet targets;
  targets.add(ip("198.19.0.7"), ip("198.19.0.9"));
  std::vector<std::pair<core::IpAddress, std::uint16_t>> done;
  for (std::uint16_t p = 1; p <= 5; ++p) done.push_back({ip("198.19.0.7"), p});  // finished
  done.push_back({ip("198.19.0.8"), 1});
  done.push_back({ip("198.19.0.8"), 2});
  done.push_back({ip("198.19.0.9"), 5});
  auto plan = planResume(targets, core::PortSet::range(1, 5), done);
  EXPECT_EQ(plan.targets.size(), 2u);
  EXPECT_FALSE(plan.targets.contains(ip("198.19.0.7")));
  EXPECT_EQ(plan.ports.toString(), "1-5");  // .9 still needs 1-4, .8 needs 3-5
}

TEST(ResumePlan, EverythingDoneLeavesNothing) {
  core::TargetSet targets;
  targets.add(ip("2001:2:0:1::7"));
  auto plan = planResume(targets, core::PortSet::range(80, 81),
                         {{ip("2001:2:0:1::7"), 80}, {ip("2001:2:0:1::7"), 81}});
  EXPECT_TRUE(plan.targets.empty());
  EXPECT_TRUE(plan.ports.empty());
}

}  // namespace
}  // namespace portlens::worker
