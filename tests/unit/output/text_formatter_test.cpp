#include "output/text_formatter.h"

#include <gtest/gtest.h>

#include "scan_fixture.h"

namespace portlens::output {
namespace {

using namespace std::chrono_literals;
using scan::PortState;
using scan::Reason;

// One host with an open port, 100 closed ports (never shown by default) and `filtered`
// filtered ports (shown by default), run through the text format.
std::string renderHost(std::uint64_t filtered, std::uint64_t open, const FormatOptions& options) {
  std::vector<testing::Event> events;
  for (std::uint64_t i = 0; i < open; ++i) {
    events.emplace_back(testing::portRecord("198.18.0.7", static_cast<std::uint16_t>(2000 + i),
                                            PortState::kOpen, Reason::kSynAck, 1ms));
  }
  for (std::uint64_t i = 0; i < filtered; ++i) {
    events.emplace_back(testing::portRecord("198.18.0.7", static_cast<std::uint16_t>(1000 + i),
                                            PortState::kFiltered, Reason::kNoResponse,
                                            scan::kNoRtt));
  }
  if (options.shown_states.contains(PortState::kClosed)) {
    for (std::uint16_t port = 3000; port < 3100; ++port) {
      events.emplace_back(
          testing::portRecord("198.18.0.7", port, PortState::kClosed, Reason::kConnRefused, 1ms));
    }
  }
  events.emplace_back(
      testing::hostRecord("198.18.0.7", "", {.open = open, .closed = 100, .filtered = filtered}));
  std::ostringstream out;
  TextFormatter formatter(out, testing::testRegistry(), options);
  scan::ScanSummary summary;
  summary.hosts_completed = 1;
  testing::feed(formatter, testing::scanInfo(), events, summary);
  return out.str();
}

std::size_t countOccurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(TextFormatterTest, StandardScanReadsLikeNmap) {
  const std::string expected =
      "Starting Portlens 0.1.0 at 2026-01-02 03:04 UTC\n"
      "Portlens scan report for 198.18.0.7\n"
      "Host is up (0.00011s latency).\n"
      "Not shown: 101 closed tcp ports (conn-refused)\n"
      "PORT    STATE    SERVICE REASON\n"
      "22/tcp  open     ssh     syn-ack\n"
      "443/tcp filtered https   no-response\n"
      "\n"
      "Portlens scan report for <script>&\"' (203.0.113.5)\n"
      "Host is up (0.0012s latency).\n"
      "Not shown: 102 closed tcp ports (conn-refused)\n"
      "PORT   STATE SERVICE REASON\n"
      "80/tcp open  http    syn-ack\n"
      "\n"
      "Portlens scan report for 2001:db8::1\n"
      "Host is up (0.0020s latency).\n"
      "Not shown: 102 filtered tcp ports (no-response)\n"
      "PORT   STATE SERVICE REASON\n"
      "22/tcp open  ssh     syn-ack\n"
      "\n"
      "Portlens scan report for 198.18.0.9\n"
      "Scan interrupted before this host finished; ports found so far:\n"
      "Host is up (0.00030s latency).\n"
      "\n"
      "PORT     STATE SERVICE  REASON\n"
      "8080/tcp open  http-alt syn-ack\n"
      "\n"
      "Portlens done: 3 IP addresses (3 hosts up) scanned in 1.50 seconds (interrupted)\n";
  EXPECT_EQ(testing::render(Format::kText), expected);
}

TEST(TextFormatterTest, TwentyFiveFilteredPortsAreListed) {
  const std::string text = renderHost(25, 1, {});
  EXPECT_EQ(countOccurrences(text, "/tcp filtered "), 25u);
  EXPECT_NE(text.find("Not shown: 100 closed tcp ports (conn-refused)\n"), std::string::npos);
}

TEST(TextFormatterTest, TwentySixFilteredPortsAreCollapsed) {
  const std::string text = renderHost(26, 1, {});
  EXPECT_EQ(countOccurrences(text, "/tcp filtered "), 0u);
  // Largest first, on one line, as nmap 7.93 prints it.
  EXPECT_NE(text.find("Not shown: 100 closed tcp ports (conn-refused), "
                      "26 filtered tcp ports (no-response)\n"),
            std::string::npos);
  EXPECT_NE(text.find("2000/tcp open"), std::string::npos);
}

TEST(TextFormatterTest, ExplicitStatesListEveryShownPort) {
  FormatOptions options;
  options.states_explicit = true;
  const std::string text = renderHost(26, 1, options);
  EXPECT_EQ(countOccurrences(text, "/tcp filtered "), 26u);
  EXPECT_NE(text.find("Not shown: 100 closed tcp ports (conn-refused)\n"), std::string::npos);

  options.shown_states = {PortState::kOpen, PortState::kClosed, PortState::kFiltered};
  const std::string all = renderHost(26, 1, options);
  EXPECT_EQ(countOccurrences(all, "/tcp closed "), 100u);
  EXPECT_EQ(all.find("Not shown"), std::string::npos);
}

TEST(TextFormatterTest, OpenPortsAreNeverCollapsed) {
  const std::string text = renderHost(0, 30, {});
  EXPECT_EQ(countOccurrences(text, "/tcp open "), 30u);
}

TEST(TextFormatterTest, HostWithNothingShown) {
  const std::string text = renderHost(26, 0, {});
  EXPECT_NE(text.find("Portlens scan report for 198.18.0.7\n"
                      "Host is up.\n"
                      "All 126 scanned ports on 198.18.0.7 are in ignored states.\n"
                      "Not shown: 100 closed tcp ports (conn-refused), "
                      "26 filtered tcp ports (no-response)\n\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("PORT "), std::string::npos);
}

TEST(TextFormatterTest, SingularWording) {
  std::vector<testing::Event> events;
  events.emplace_back(testing::hostRecord("198.18.0.7", "", {.closed = 1}));
  std::ostringstream out;
  TextFormatter formatter(out, testing::testRegistry(), {});
  scan::ScanSummary summary;
  summary.hosts_completed = 1;
  testing::feed(formatter, testing::scanInfo(), events, summary);
  EXPECT_NE(out.str().find("The 1 scanned port on 198.18.0.7 is in ignored states.\n"
                           "Not shown: 1 closed tcp port (conn-refused)\n"),
            std::string::npos);
  EXPECT_NE(out.str().find("Portlens done: 1 IP address (1 host up) scanned in 0.00 seconds\n"),
            std::string::npos);
}

TEST(TextFormatterTest, ControlCharactersInNamesAreNeutralised) {
  std::vector<testing::Event> events;
  events.emplace_back(testing::hostRecord("198.18.0.7", "evil\n\x1b[2J", {.closed = 1}));
  std::ostringstream out;
  TextFormatter formatter(out, testing::testRegistry(), {});
  testing::feed(formatter, testing::scanInfo(), events, {});
  EXPECT_NE(out.str().find("report for evil\\x0A\\x1B[2J (198.18.0.7)\n"), std::string::npos);
}

}  // namespace
}  // namespace portlens::output
