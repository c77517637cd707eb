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

scan::PortRecord detected(std::uint16_t port, const char* name, const char* product,
                          const char* version, bool ssl = false) {
  auto r = rec("198.19.0.7", port, S::kOpen);
  auto info = std::make_shared<scan::ServiceInfo>();
  info->name = name;
  info->product = product;
  info->version = version;
  info->ssl_tunnel = ssl;
  info->confidence = 10;
  r.service = std::move(info);
  return r;
}

// An open port whose detected service name, product, version or tunnel differs is "changed";
// the same service with another confidence or banner is not, nor a port detected in one scan
// only (a scan with -sV after one without).
TEST(ScanDiff, ADifferentServiceOnAnOpenPortIsAChange) {
  auto same_banner_differs = detected(25, "smtp", "Exim smtpd", "4.96");
  auto changed_banner = std::make_shared<scan::ServiceInfo>(*same_banner_differs.service);
  changed_banner->banner = "220 other greeting";
  changed_banner->confidence = 8;
  auto same_later = same_banner_differs;
  same_later.service = changed_banner;
  std::vector<scan::PortRecord> before = {detected(80, "http", "nginx", "1.22.1"),
                                          detected(22, "ssh", "OpenSSH", "9.2p1"),
                                          detected(443, "http", "nginx", "1.22.1", true),
                                          detected(8080, "http", "", ""),
                                          same_banner_differs,
                                          rec("198.19.0.7", 3306, S::kOpen)};
  std::vector<scan::PortRecord> after = {detected(80, "http", "nginx", "1.24.0"),
                                         detected(22, "ssh", "Dropbear sshd", "2022.83"),
                                         detected(443, "http", "nginx", "1.22.1", false),
                                         detected(8080, "http-proxy", "", ""),
                                         same_later,
                                         detected(3306, "mysql", "MariaDB", "10.11.6")};
  auto diff = diffScans(before, after);
  EXPECT_EQ(diff.compared, 6u);
  EXPECT_TRUE(diff.opened.empty());
  EXPECT_TRUE(diff.closed.empty());
  std::vector<std::uint16_t> changed;
  for (const auto& c : diff.changed) changed.push_back(c.after.port);
  EXPECT_EQ(changed, (std::vector<std::uint16_t>{22, 80, 443, 8080}));
  EXPECT_EQ(diff.changed[1].before.service->version, "1.22.1");
  EXPECT_EQ(diff.changed[1].after.service->version, "1.24.0");
}

}  // namespace
}  // namespace portlens::server
