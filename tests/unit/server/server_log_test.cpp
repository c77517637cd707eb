// The log lines: secrets out of query strings, one printable line whatever a peer sent, valid
// JSON, and the fields each event carries.
#include "server/server_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/manual_clock.h"

namespace portlens::server {
namespace {

TEST(RedactTarget, ReplacesCredentialParameters) {
  EXPECT_EQ(redactTarget("/api/v1/scans"), "/api/v1/scans");
  EXPECT_EQ(redactTarget("/api/v1/scans?limit=5"), "/api/v1/scans?limit=5");
  EXPECT_EQ(redactTarget("/x?token=abc&limit=5"), "/x?token=REDACTED&limit=5");
  EXPECT_EQ(redactTarget("/x?limit=5&Access_Token=abc"), "/x?limit=5&Access_Token=REDACTED");
  EXPECT_EQ(redactTarget("/x?api_key=1&key=2&password=3&secret=4&sig=5"),
            "/x?api_key=REDACTED&key=REDACTED&password=REDACTED&secret=REDACTED&sig=REDACTED");
  EXPECT_EQ(redactTarget("/x?token"), "/x?token");  // no value, nothing to hide
  EXPECT_EQ(redactTarget("/x?tokens=1&a=token"), "/x?tokens=1&a=token");
  EXPECT_EQ(redactTarget("/x?&&token=abc"), "/x?&&token=REDACTED");
}

TEST(FormatLogLine, TextIsOnePrintableLine) {
  const auto line = formatLogLine(LogFormat::kText, "2026-12-02T07:00:00.000Z", "request",
                                  {{"path", std::string_view("/a b\n\"x\"=\\\x01\xff")},
                                   {"status", std::int64_t{200}},
                                   {"ms", 1.5},
                                   {"empty", std::string_view("")}});
  EXPECT_EQ(line,
            "2026-12-02T07:00:00.000Z request path=\"/a b\\x0a\\\"x\\\"=\\\\\\x01\\xff\" "
            "status=200 ms=1.500 empty=\"\"\n");
}

TEST(FormatLogLine, JsonIsValidJsonEvenForBadUtf8) {
  const auto line =
      formatLogLine(LogFormat::kJson, "T", "refused",
                    {{"targets", std::string_view("a\xff\nb")}, {"scan", std::int64_t{7}}});
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["time"], "T");
  EXPECT_EQ(json["event"], "refused");
  EXPECT_EQ(json["targets"], "a\xef\xbf\xbd\nb");
  EXPECT_EQ(json["scan"], 7);
}

TEST(ServerLog, RequestLinesCarryTheResolvedClientAndTokenName) {
  testing::ManualClock clock;
  std::vector<std::string> lines;
  ServerLog log(LogFormat::kJson, clock, [&](std::string_view line) { lines.emplace_back(line); });
  log.request({"GET", "/api/v1/scans?token=s3cret", 200, 1234, std::chrono::microseconds(2500),
               *core::IpAddress::parse("198.18.0.2"), "lab"});
  log.request({"POST", "/api/v1/scans", 403, 80, std::chrono::microseconds(10),
               *core::IpAddress::parse("2001:2::5"), ""});
  log.refused(*core::IpAddress::parse("2001:2::5"), "", "10.0.0.1", "target_forbidden",
              "10.0.0.1 is private");
  log.scanStarted(3, "lab", "connect", "198.19.0.7", "1-1024");
  log.scanFinished(3, "done", 1024, std::chrono::milliseconds(120), "");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].find("s3cret"), std::string::npos);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["event"], "request");
  EXPECT_EQ(first["method"], "GET");
  EXPECT_EQ(first["path"], "/api/v1/scans?token=REDACTED");
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["bytes"], 1234);
  EXPECT_DOUBLE_EQ(first["ms"].get<double>(), 2.5);
  EXPECT_EQ(first["client"], "198.18.0.2");
  EXPECT_EQ(first["token"], "lab");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["token"], "-");
  const auto refused = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(refused["event"], "refused");
  EXPECT_EQ(refused["reason"], "10.0.0.1 is private");
  EXPECT_EQ(nlohmann::json::parse(lines[3])["event"], "scan_start");
  const auto end = nlohmann::json::parse(lines[4]);
  EXPECT_EQ(end["event"], "scan_end");
  EXPECT_EQ(end["probes"], 1024);
  EXPECT_EQ(end.contains("error"), false);
}

TEST(ParseLogFormat, KnowsTextAndJson) {
  EXPECT_EQ(parseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(parseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(parseLogFormat("JSON"));
}

}  // namespace
}  // namespace portlens::server
