#include "server/monitor_request.h"

#include <gtest/gtest.h>

#include "server/api_error.h"

namespace portlens::server {
namespace {

const registry::PortRegistry& registry() { return registry::PortRegistry::builtin(); }

MonitorRequest parse(const std::string& body) {
  return parseMonitorRequest(parseJsonObject(body), registry(), {});
}

// "status code: message" of the ApiError `body` gives.
std::string refusal(const std::string& body) {
  try {
    parse(body);
  } catch (const ApiError& e) {
    return std::to_string(e.status()) + " " + e.code() + ": " + e.what();
  }
  return "accepted";
}

TEST(MonitorRequestTest, AcceptsTheIssuesExample) {
  auto r = parse(
      R"({"name":"dmz","targets":"198.19.0.0/24","ports":"top1000","mode":"connect",
          "service_detection":true,"every":"15m","policy":"hosts: []\n",
          "alerts":[{"type":"webhook","url":"http://127.0.0.1:9000/hook"}]})");
  EXPECT_EQ(r.name, "dmz");
  EXPECT_EQ(r.every_seconds, 900);
  EXPECT_EQ(r.scan.ports.size(), 1000U);
  EXPECT_EQ(r.scan.ports_label, "top1000");
  EXPECT_TRUE(r.scan.service_detection);
  EXPECT_EQ(r.alerts_json, R"([{"type":"webhook","url":"http://127.0.0.1:9000/hook"}])");
  EXPECT_FALSE(r.paused);
  auto cron = parse(R"({"name":"n","targets":"198.19.0.7","cron":"*/15 * * * *","paused":true})");
  EXPECT_EQ(cron.every_seconds, 0);
  EXPECT_EQ(cron.cron, "*/15 * * * *");
  EXPECT_TRUE(cron.paused);
  EXPECT_EQ(cron.alerts_json, "[]");
}

TEST(MonitorRequestTest, RefusesWithTheFieldNamed) {
  const std::string base = R"("name":"n","targets":"198.19.0.7",)";
  EXPECT_EQ(refusal("[1]"), "400 invalid_json: the request body must be an object");
  EXPECT_EQ(refusal(R"({"targets":"198.19.0.7","every":"1m"})"),
            "400 invalid_field: 'name' is required");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","cron":"* * * * *"})"),
            "400 invalid_schedule: give exactly one of 'every' (e.g. \"15m\") and 'cron' (5 "
            "fields)");
  EXPECT_EQ(refusal("{" + base + R"("every":"2s"})"),
            "400 invalid_schedule: 'every' must be at least 5s");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","everyy":1})"),
            "400 invalid_field: unknown field 'everyy'");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","alerts":{"type":"webhook"}})"),
            "400 invalid_field: 'alerts' must be an array of destinations");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","alerts":[{"type":1}]})"),
            "400 invalid_field: each of 'alerts' must be an object with a \"type\" string");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","paused":"yes"})"),
            "400 invalid_field: 'paused' must be true or false");
  EXPECT_EQ(refusal(R"({"name":"n","every":"1m"})"), "400 invalid_target: 'targets' is required");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","mode":"syn"})").substr(0, 20),
            "422 mode_unavailable");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","policy":"hosts: 3"})").substr(0, 19),
            "400 invalid_policy:");
  EXPECT_EQ(refusal("{" + base + R"("every":"1m","name":")" + std::string(101, 'x') + "\"}"),
            "400 invalid_field: 'name' must be 1-100 bytes");
  EXPECT_EQ(refusal(std::string(70000, ' ')), "413 body_too_large: request body too large");
}

}  // namespace
}  // namespace portlens::server
