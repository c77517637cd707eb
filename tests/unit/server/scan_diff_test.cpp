#include "server/scan_diff.h"

#include <gtest/gtest.h>

namespace portlens::server {
namespace {

scan::PortRecord rec(const char* ip, std::uint16_t port, scan::PortState state) {
  scan::PortRecord r;
  r.ip = core::IpAddress::parse(ip).value();
  r.port = port;
  r.state = state;
  return r;
}

using S = scan::PortState;

TEST(ScanDiff, SortsChangesIntoOpenedClosedChanged) {
  std::vector<scan::PortRecord> before = {
      rec("198.19.0.7", 22, S::kOpen),   rec("198.19.0.7", 80, S::kClosed),
      rec("198.19.0.7", 443, S::kOpen),  rec("198.19.0.7", 23, S::kFiltered),
      rec("198.19.0.7", 25, S::kClosed), rec("198.19.0.7", 9999, S::kOpen)};
  std::vector<scan::PortRecord> after = {
      rec("198.19.0.7", 443, S::kFiltered), rec("198.19.0.7", 22, S::kOpen),
      rec("198.19.0.7", 80, S::kOpen),      rec("198.19.0.7", 23, S::kClosed),
      rec("198.19.0.7", 25, S::kClosed),    rec("198.19.0.8", 9999, S::kClosed)};
  auto diff = diffScans(before, after);
  EXPECT_EQ(diff.compared, 5u);
  ASSERT_EQ(diff.opened.size(), 1u);
  EXPECT_EQ(diff.opened[0].after.port, 80);
  ASSERT_EQ(diff.closed.size(), 1u);
  EXPECT_EQ(diff.closed[0].before.port, 443);
  EXPECT_EQ(diff.closed[0].after.state, S::kFiltered);
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0].before.port, 23);
}

TEST(ScanDiff, IdenticalOrDisjointScansHaveNoChanges) {
  std::vector<scan::PortRecord> a = {rec("2001:2:0:1::7", 1, S::kOpen)};
  auto same = diffScans(a, a);
  EXPECT_EQ(same.compared, 1u);
  EXPECT_TRUE(same.opened.empty() && same.closed.empty() && same.changed.empty());
  auto disjoint = diffScans(a, {rec("2001:2:0:1::7", 2, S::kClosed)});
  EXPECT_EQ(disjoint.compared, 0u);
}

}  // namespace
}  // namespace portlens::server
