#include "net/reverse_names.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace portlens::net {
namespace {

core::IpAddress ip(const char* text) { return *core::IpAddress::parse(text); }

// A resolver that knows a few names (by value: a lookup may outlive the test's frame).
ReverseLookup fakeResolver() {
  return [](const core::IpAddress& address) -> std::string {
    const auto text = address.toString();
    if (text == "198.18.0.1") return "one.lab";
    if (text == "198.18.0.3") return "three.lab";
    if (text == "2001:2::7") return "seven.lab";
    return "";
  };
}

TEST(ReverseNamesTest, NamesNumericTargetsOfBothFamilies) {
  core::TargetSet targets;
  targets.add(ip("198.18.0.1"), ip("198.18.0.4"));
  targets.add(ip("2001:2::7"));
  EXPECT_EQ(nameTargetsByReverseLookup(targets, {}, fakeResolver()), 3u);
  EXPECT_EQ(targets.hostnameOf(ip("198.18.0.1")), "one.lab");
  EXPECT_EQ(targets.hostnameOf(ip("198.18.0.2")), "");
  EXPECT_EQ(targets.hostnameOf(ip("198.18.0.3")), "three.lab");
  EXPECT_EQ(targets.hostnameOf(ip("2001:2::7")), "seven.lab");
}

TEST(ReverseNamesTest, TheNameTheUserTypedWins) {
  core::TargetSet targets;
  targets.add(ip("198.18.0.1"));
  targets.nameAddress(ip("198.18.0.1"), "typed.example");
  auto asked = std::make_shared<std::atomic<int>>(0);
  auto counting = [asked](const core::IpAddress&) {
    ++*asked;
    return std::string("ptr.example");
  };
  EXPECT_EQ(nameTargetsByReverseLookup(targets, {}, counting), 0u);
  EXPECT_EQ(targets.hostnameOf(ip("198.18.0.1")), "typed.example");
  EXPECT_EQ(asked->load(), 0) << "a named target is not looked up";
}

TEST(ReverseNamesTest, LargeTargetSetsAreNotLookedUp) {
  core::TargetSet targets;
  targets.add(ip("198.18.0.0"), ip("198.18.1.255"));  // 512 hosts
  ReverseLookupLimits limits;
  limits.max_addresses = 511;
  auto asked = std::make_shared<std::atomic<int>>(0);
  auto counting = [asked](const core::IpAddress&) {
    ++*asked;
    return std::string("x");
  };
  EXPECT_EQ(nameTargetsByReverseLookup(targets, limits, counting), 0u);
  EXPECT_EQ(asked->load(), 0);
  limits.max_addresses = 512;
  EXPECT_EQ(nameTargetsByReverseLookup(targets, limits, counting), 512u);
  EXPECT_EQ(asked->load(), 512) << "every address looked up exactly once";
}

// A resolver that never answers for one address must not hold up the others, nor the
// caller beyond the deadline; its late answer is dropped.
TEST(ReverseNamesTest, ASilentResolverCostsTheDeadlineAtMost) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto lookup = [release](const core::IpAddress& address) -> std::string {
    if (address.toString() == "198.18.0.2") {
      while (!release->load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return "late.lab";
    }
    return "quick.lab";
  };
  ReverseLookupLimits limits;
  limits.parallel = 2;
  limits.deadline = std::chrono::milliseconds(1000);  // ample for three instant lookups
  auto names = lookupReverseNames(
      {ip("198.18.0.1"), ip("198.18.0.2"), ip("198.18.0.3"), ip("198.18.0.4")}, limits, lookup);
  release->store(true);
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(names.count(ip("198.18.0.2")), 0u);
  EXPECT_EQ(names[ip("198.18.0.4")], "quick.lab");
}

TEST(ReverseNamesTest, ALookupThatThrowsLeavesTheAddressUnnamed) {
  auto lookup = [](const core::IpAddress& address) -> std::string {
    if (address.toString() == "198.18.0.1") throw std::runtime_error("resolver broke");
    return "fine.lab";
  };
  auto names = lookupReverseNames({ip("198.18.0.1"), ip("198.18.0.2")}, {}, lookup);
  EXPECT_EQ(names.size(), 1u);
  EXPECT_EQ(names[ip("198.18.0.2")], "fine.lab");
}

}  // namespace
}  // namespace portlens::net
