#include "output/ndjson_formatter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "flush_counter.h"
#include "scan_fixture.h"

namespace portlens::output {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::vector<json> parseLines(const std::string& text) {
  std::vector<json> lines;
  for (const std::string& line : testing::splitLines(text)) lines.push_back(json::parse(line));
  return lines;
}

TEST(NdjsonFormatterTest, EveryLineIsOneJsonObject) {
  const auto lines = parseLines(testing::render(Format::kNdjson));
  // scan + 107 ports + 3 hosts + summary
  ASSERT_EQ(lines.size(), 112u);
  for (const json& line : lines) EXPECT_TRUE(line.is_object() && line.contains("type"));
  EXPECT_EQ(lines.front()["type"], "scan");
  EXPECT_EQ(lines.back()["type"], "summary");
}

TEST(NdjsonFormatterTest, ScanLine) {
  const auto lines = parseLines(testing::render(Format::kNdjson));
  const json expected = {{"type", "scan"},
                         {"version", "0.1.0"},
                         {"scan_type", "connect"},
                         {"command_line", testing::scanInfo().command_line},
                         {"ports", "22,80,443,1000-1099"},
                         {"port_count", 103},
                         {"host_count", 4},
                         {"started", "2026-01-02T03:04:05Z"}};
  EXPECT_EQ(lines[0], expected);
}

TEST(NdjsonFormatterTest, PortLineHasExactFieldsInDocumentedOrder) {
  const auto text = testing::render(Format::kNdjson);
  EXPECT_EQ(testing::splitLines(text)[1],
            R"({"type":"port","ip":"198.18.0.7","port":22,"proto":"tcp","state":"open",)"
            R"("reason":"syn-ack","rtt_ms":0.11,"service":"ssh"})");
}

TEST(NdjsonFormatterTest, PortLineVariants) {
  const auto lines = parseLines(testing::render(Format::kNdjson));
  // IPv6, RTT rounded to 3 decimals.
  EXPECT_EQ(lines[2]["ip"], "2001:db8::1");
  EXPECT_EQ(lines[2]["rtt_ms"], 2.0);
  // Hostname carried on the port line, byte for byte.
  const json expected_named = {
      {"type", "port"},      {"ip", "203.0.113.5"}, {"hostname", std::string(testing::kNastyName)},
      {"port", 80},          {"proto", "tcp"},      {"state", "open"},
      {"reason", "syn-ack"}, {"rtt_ms", 1.235},     {"service", "http"}};
  EXPECT_EQ(lines[3], expected_named);
  // No RTT: the key is absent.
  const json expected_filtered = {
      {"type", "port"},      {"ip", "198.18.0.7"},      {"port", 443},       {"proto", "tcp"},
      {"state", "filtered"}, {"reason", "no-response"}, {"service", "https"}};
  EXPECT_EQ(lines[4], expected_filtered);
}

TEST(NdjsonFormatterTest, UnknownServiceIsOmitted) {
  const auto lines = parseLines(testing::render(Format::kNdjson));
  bool seen = false;
  for (const json& line : lines) {
    if (line["type"] == "port" && line["port"] == 1002) {
      EXPECT_FALSE(line.contains("service"));
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

TEST(NdjsonFormatterTest, HostAndSummaryLines) {
  const auto lines = parseLines(testing::render(Format::kNdjson));
  std::vector<json> hosts;
  for (const json& line : lines) {
    if (line["type"] == "host") hosts.push_back(line);
  }
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[0], json({{"type", "host"},
                            {"ip", "198.18.0.7"},
                            {"counts", {{"open", 1}, {"closed", 101}, {"filtered", 1}}}}));
  EXPECT_EQ(hosts[1]["hostname"], std::string(testing::kNastyName));
  EXPECT_EQ(hosts[2]["ip"], "2001:db8::1");

  const json expected_summary = {{"type", "summary"},
                                 {"counts", {{"open", 4}, {"closed", 203}, {"filtered", 103}}},
                                 {"hosts", 3},
                                 {"probes_sent", 420},
                                 {"elapsed_s", 1.5},
                                 {"interrupted", true},
                                 {"command_line", testing::scanInfo().command_line},
                                 {"finished", "2026-01-02T03:04:07Z"}};
  EXPECT_EQ(lines.back(), expected_summary);
}

TEST(NdjsonFormatterTest, WritesEachRecordAndFlushesOnRequest) {
  testing::FlushCounter buffer;
  std::ostream out(&buffer);
  NdjsonFormatter formatter(out, testing::testRegistry());
  formatter.begin(testing::scanInfo());
  const int after_begin = buffer.flushes();
  formatter.port(
      testing::portRecord("198.18.0.7", 22, scan::PortState::kOpen, scan::Reason::kSynAck, 1ms));
  formatter.flush();
  EXPECT_GT(buffer.flushes(), after_begin);
  EXPECT_EQ(testing::splitLines(buffer.str()).size(), 2u);
}

TEST(NdjsonFormatterTest, InvalidUtf8IsReplacedNotFatal) {
  std::ostringstream out;
  NdjsonFormatter formatter(out, testing::testRegistry());
  scan::ScanInfo info = testing::scanInfo();
  info.command_line = "portlens scan caf\xE9";  // Latin-1 byte from a shell in another locale
  formatter.begin(info);
  const json line = json::parse(out.str());
  EXPECT_EQ(line["command_line"], "portlens scan caf\xEF\xBF\xBD");
}

}  // namespace
}  // namespace portlens::output
