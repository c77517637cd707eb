#include "output/json_formatter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scan_fixture.h"

namespace portlens::output {
namespace {

using nlohmann::json;

TEST(JsonFormatterTest, IsOneValidDocument) {
  const json doc = json::parse(testing::render(Format::kJson));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.size(), 3u);
  EXPECT_EQ(doc["scan"]["scan_type"], "connect");
  EXPECT_EQ(doc["scan"]["ports"], "22,80,443,1000-1099");
  EXPECT_EQ(doc["scan"]["started"], "2026-01-02T03:04:05Z");
}

TEST(JsonFormatterTest, HostsCarryTheirPortsSorted) {
  const json doc = json::parse(testing::render(Format::kJson));
  const json& hosts = doc["hosts"];
  ASSERT_EQ(hosts.size(), 4u);

  const json expected_first = {{"ip", "198.18.0.7"},
                               {"counts", {{"open", 1}, {"closed", 101}, {"filtered", 1}}},
                               {"ports",
                                {{{"port", 22},
                                  {"proto", "tcp"},
                                  {"state", "open"},
                                  {"reason", "syn-ack"},
                                  {"rtt_ms", 0.11},
                                  {"service", "ssh"}},
                                 {{"port", 443},
                                  {"proto", "tcp"},
                                  {"state", "filtered"},
                                  {"reason", "no-response"},
                                  {"service", "https"}}}}};
  EXPECT_EQ(hosts[0], expected_first);

  EXPECT_EQ(hosts[1]["hostname"], std::string(testing::kNastyName));
  EXPECT_EQ(hosts[1]["ports"][0]["rtt_ms"], 1.235);

  // The JSON formats list every reported port; only text/grep/xml collapse like nmap.
  EXPECT_EQ(hosts[2]["ip"], "2001:db8::1");
  ASSERT_EQ(hosts[2]["ports"].size(), 103u);
  EXPECT_EQ(hosts[2]["ports"][0]["port"], 22);
  EXPECT_EQ(hosts[2]["ports"][1]["port"], 80);
  EXPECT_EQ(hosts[2]["ports"][102]["port"], 1099);
  EXPECT_FALSE(hosts[2].contains("complete"));
}

TEST(JsonFormatterTest, HostCutShortByInterruptIsKeptAndMarked) {
  const json doc = json::parse(testing::render(Format::kJson));
  const json& unfinished = doc["hosts"][3];
  EXPECT_EQ(unfinished["ip"], "198.18.0.9");
  EXPECT_EQ(unfinished["complete"], false);
  EXPECT_EQ(unfinished["counts"]["open"], 1);
  EXPECT_EQ(unfinished["ports"][0]["port"], 8080);
}

TEST(JsonFormatterTest, SummaryMatchesNdjson) {
  const json doc = json::parse(testing::render(Format::kJson));
  const json last_line = json::parse(testing::splitLines(testing::render(Format::kNdjson)).back());
  json expected = last_line;
  expected.erase("type");
  EXPECT_EQ(doc["summary"], expected);
  EXPECT_EQ(doc["summary"]["interrupted"], true);
}

TEST(JsonFormatterTest, EmptyScanIsValid) {
  std::ostringstream out;
  JsonFormatter formatter(out, testing::testRegistry());
  testing::feed(formatter, testing::scanInfo(), {}, {});
  const json doc = json::parse(out.str());
  EXPECT_TRUE(doc["hosts"].is_array());
  EXPECT_TRUE(doc["hosts"].empty());
  EXPECT_EQ(doc["summary"]["interrupted"], false);
}

}  // namespace
}  // namespace portlens::output
