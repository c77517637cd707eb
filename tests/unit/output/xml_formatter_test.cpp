#include "output/xml_formatter.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "output/xml_escape.h"
#include "scan_fixture.h"
#include "xml_check.h"

namespace portlens::output {
namespace {

using testing::runCommand;
using testing::shellQuote;

class XmlFormatterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    document_ = testing::render(Format::kXml);
    path_ = testing::writeTempFile("portlens_xml_formatter_test.xml", document_);
  }
  void TearDown() override { std::remove(path_.c_str()); }

  // The string value of an XPath expression, as a parser sees it (entities resolved).
  std::string xpath(const std::string& expression) const {
    const auto result =
        runCommand("xmllint --xpath " + shellQuote("string(" + expression + ")") + " " + path_);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::string value = result.output;
    if (!value.empty() && value.back() == '\n') value.pop_back();  // xmllint ends with one
    return value;
  }

  std::string document_;
  std::string path_;
};

TEST_F(XmlFormatterTest, IsWellFormed) {
  const auto result = runCommand("xmllint --noout " + path_);
  EXPECT_EQ(result.exit_code, 0) << result.output << "\n" << document_;
}

TEST_F(XmlFormatterTest, HeaderMatchesNmap) {
  EXPECT_TRUE(
      document_.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
                            "<!-- Portlens 0.1.0 scan initiated Fri Jan  2 03:04:05 2026 as: "));
  EXPECT_NE(document_.find("<nmaprun scanner=\"portlens\" args=\""), std::string::npos);
  EXPECT_NE(document_.find("start=\"1767323045\" startstr=\"Fri Jan  2 03:04:05 2026\" "
                           "version=\"0.1.0\" xmloutputversion=\"1.05\">"),
            std::string::npos);
  EXPECT_NE(document_.find("<scaninfo type=\"connect\" protocol=\"tcp\" numservices=\"103\" "
                           "services=\"22,80,443,1000-1099\"/>"),
            std::string::npos);
}

TEST_F(XmlFormatterTest, EscapesUserTextEverywhere) {
  EXPECT_EQ(document_.find("<script>"), std::string::npos);
  EXPECT_EQ(xpath("/nmaprun/@args"), testing::scanInfo().command_line);
  EXPECT_EQ(xpath("//host[address/@addr='203.0.113.5']/hostnames/hostname/@name"),
            std::string(testing::kNastyName));
}

TEST_F(XmlFormatterTest, HostsPortsAndExtraports) {
  EXPECT_EQ(xpath("count(//host)"), "4");
  EXPECT_EQ(xpath("//host[1]/address/@addrtype"), "ipv4");
  EXPECT_EQ(xpath("//host[3]/address/@addrtype"), "ipv6");
  EXPECT_EQ(xpath("//host[1]/status/@reason"), "syn-ack");
  EXPECT_EQ(xpath("//host[1]/ports/extraports[@state='closed']/@count"), "101");
  EXPECT_EQ(xpath("//host[1]/ports/extraports/extrareasons/@reason"), "conn-refused");
  EXPECT_EQ(xpath("//host[1]/ports/port[@portid='22']/state/@reason"), "syn-ack");
  EXPECT_EQ(xpath("//host[1]/ports/port[@portid='22']/service/@name"), "ssh");
  // 102 filtered ports on the IPv6 host are summarised, as nmap does past 25.
  EXPECT_EQ(xpath("//host[3]/ports/extraports[@state='filtered']/@count"), "102");
  EXPECT_EQ(xpath("count(//host[3]/ports/port)"), "1");
  EXPECT_EQ(xpath("//host[3]/times/@srtt"), "2000");
  // The host cut short by the interrupt is still reported with what it found.
  EXPECT_EQ(xpath("//host[4]/address/@addr"), "198.18.0.9");
  EXPECT_EQ(xpath("//host[4]/ports/port/@portid"), "8080");
}

TEST_F(XmlFormatterTest, RunstatsSayInterrupted) {
  EXPECT_EQ(xpath("//runstats/finished/@exit"), "error");
  EXPECT_EQ(xpath("//runstats/finished/@elapsed"), "1.50");
  EXPECT_EQ(xpath("//runstats/finished/@summary"),
            "Portlens done at Fri Jan  2 03:04:07 2026; 3 IP addresses (3 hosts up) scanned in "
            "1.50 seconds");
  EXPECT_EQ(xpath("//runstats/hosts/@up"), "3");
  EXPECT_TRUE(document_.ends_with("</runstats>\n</nmaprun>\n"));
}

TEST(XmlEscapeTest, MarkupCharacters) {
  EXPECT_EQ(xmlEscape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  EXPECT_EQ(xmlEscape("tab\tnl\ncr\r"), "tab&#9;nl&#10;cr&#13;");
}

TEST(XmlEscapeTest, CharactersXmlCannotHoldBecomeHexText) {
  EXPECT_EQ(xmlEscape(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(xmlEscape("\x1b[31m"), "\\x1B[31m");
  EXPECT_EQ(xmlEscape("caf\xE9"), "caf\\xE9");                                   // not UTF-8
  EXPECT_EQ(xmlEscape("\xC0\xAF"), "\\xC0\\xAF");                                // overlong '/'
  EXPECT_EQ(xmlEscape("\xED\xA0\x80"), "\\xED\\xA0\\x80");                       // surrogate
  EXPECT_EQ(xmlEscape("caf\xC3\xA9 \xE2\x9C\x93"), "caf\xC3\xA9 \xE2\x9C\x93");  // valid UTF-8
}

TEST(XmlEscapeTest, CommentsNeverContainDoubleHyphen) {
  EXPECT_EQ(xmlCommentText("--reason ---x"), "-&#45;reason -&#45;-x");
}

TEST(XmlFormatterHostileInputTest, StaysWellFormed) {
  std::ostringstream out;
  XmlFormatter formatter(out, testing::testRegistry(), {});
  scan::ScanInfo info = testing::scanInfo();
  info.command_line = "portlens --open -- x\x01y caf\xE9 ]]> <!-- -->";
  std::vector<testing::Event> events;
  events.emplace_back(testing::portRecord("198.18.0.7", 22, scan::PortState::kOpen,
                                          scan::Reason::kSynAck, scan::kNoRtt, "h\n<x>"));
  events.emplace_back(testing::hostRecord("198.18.0.7", "h\n<x>", {.open = 1}));
  testing::feed(formatter, info, events, testing::interruptedSummary());
  const std::string path = testing::writeTempFile("portlens_xml_hostile.xml", out.str());
  const auto result = runCommand("xmllint --noout " + path);
  EXPECT_EQ(result.exit_code, 0) << result.output << "\n" << out.str();
  std::remove(path.c_str());
  // Without an RTT sample there is no <times>.
  EXPECT_EQ(out.str().find("<times"), std::string::npos);
}

}  // namespace
}  // namespace portlens::output
