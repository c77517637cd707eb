#include "output/grep_formatter.h"

#include <gtest/gtest.h>

#include "scan_fixture.h"

namespace portlens::output {
namespace {

TEST(GrepFormatterTest, StandardScanMatchesNmapLayout) {
  const std::string expected =
      "# Portlens 0.1.0 scan initiated Fri Jan  2 03:04:05 2026 as: " +
      testing::scanInfo().command_line +
      "\n"
      "Host: 198.18.0.7 ()\tStatus: Up\n"
      "Host: 198.18.0.7 ()\tPorts: 22/open/tcp//ssh///, 443/filtered/tcp//https///"
      "\tIgnored State: closed (101)\n"
      "Host: 203.0.113.5 (<script>&\"')\tStatus: Up\n"
      "Host: 203.0.113.5 (<script>&\"')\tPorts: 80/open/tcp//http///"
      "\tIgnored State: closed (102)\n"
      "Host: 2001:db8::1 ()\tStatus: Up\n"
      "Host: 2001:db8::1 ()\tPorts: 22/open/tcp//ssh///\tIgnored State: filtered (102)\n"
      "Host: 198.18.0.9 ()\tStatus: Up\n"
      "Host: 198.18.0.9 ()\tPorts: 8080/open/tcp//http-alt///\n"
      "# Portlens done at Fri Jan  2 03:04:07 2026 -- 3 IP addresses (3 hosts up) scanned in "
      "1.50 seconds (interrupted)\n";
  EXPECT_EQ(testing::render(Format::kGrep), expected);
}

TEST(GrepFormatterTest, TwoIgnoredStatesAreNotNamed) {
  std::vector<testing::Event> events;
  events.emplace_back(testing::hostRecord("198.18.0.7", "", {.closed = 5, .filtered = 40}));
  std::ostringstream out;
  GrepFormatter formatter(out, testing::testRegistry(), {});
  testing::feed(formatter, testing::scanInfo(), events, {});
  EXPECT_NE(out.str().find("Host: 198.18.0.7 ()\tPorts: \n"), std::string::npos) << out.str();
}

TEST(GrepFormatterTest, AllPortsIgnoredKeepsEmptyPortsField) {
  std::vector<testing::Event> events;
  events.emplace_back(testing::hostRecord("198.18.0.7", "", {.closed = 100}));
  std::ostringstream out;
  GrepFormatter formatter(out, testing::testRegistry(), {});
  testing::feed(formatter, testing::scanInfo(), events, {});
  // Exactly what nmap 7.93 prints for a host with every port closed.
  EXPECT_NE(out.str().find("Host: 198.18.0.7 ()\tPorts: \tIgnored State: closed (100)\n"),
            std::string::npos);
}

TEST(GrepFormatterTest, UnknownServiceLeavesFieldEmpty) {
  std::vector<testing::Event> events;
  events.emplace_back(testing::portRecord("198.18.0.7", 1002, scan::PortState::kOpen,
                                          scan::Reason::kSynAck, scan::kNoRtt));
  events.emplace_back(testing::hostRecord("198.18.0.7", "", {.open = 1}));
  std::ostringstream out;
  GrepFormatter formatter(out, testing::testRegistry(), {});
  testing::feed(formatter, testing::scanInfo(), events, {});
  EXPECT_NE(out.str().find("\tPorts: 1002/open/tcp/////\n"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace portlens::output
