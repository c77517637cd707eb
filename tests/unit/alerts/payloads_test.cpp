#include "alerts/payloads.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "event_fixture.h"

namespace portlens::alerts {
namespace {

using nlohmann::json;

TEST(Payloads, Times) {
  EXPECT_EQ(rfc3339(kEventAtMs), "2026-12-02T07:04:56.123Z");
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc5322Date(kEventAtMs), "Wed, 02 Dec 2026 07:04:56 +0000");
}

TEST(Payloads, WebhookBodyCarriesTheEventWithoutSecrets) {
  const auto event =
      sampleEvent("finding_opened", R"([{"type":"webhook","url":"http://h/","secret":"xyz"}])");
  const std::string text = webhookBody(event);
  EXPECT_EQ(text.find("xyz"), std::string::npos) << "a destination secret leaked: " << text;
  const json body = json::parse(text);
  EXPECT_EQ(body["event"], "finding_opened");
  EXPECT_EQ(body["event_id"], 17);
  EXPECT_EQ(body["scan_id"], 99);
  EXPECT_EQ(body["at"], "2026-12-02T07:04:56.123Z");
  EXPECT_EQ(body["finding"]["kind"], "port_opened");
  EXPECT_EQ(body["finding"]["port"], 8080);
  EXPECT_EQ(body["monitor"]["name"], "dmz");
  EXPECT_FALSE(body["monitor"].contains("alerts"));
  auto without_scan = event;
  without_scan.scan_id.reset();
  EXPECT_TRUE(json::parse(webhookBody(without_scan))["scan_id"].is_null());
}

TEST(Payloads, AlertmanagerFiringThenResolved) {
  const json firing = json::parse(alertmanagerBody(sampleEvent("finding_opened")));
  ASSERT_TRUE(firing.is_array());
  ASSERT_EQ(firing.size(), 1u);
  EXPECT_EQ(firing[0]["labels"], json::parse(R"({"alertname":"PortlensFinding",
      "kind":"port_opened","ip":"198.19.0.7","port":"8080","monitor":"dmz"})"));
  EXPECT_EQ(firing[0]["startsAt"], "2026-12-02T07:04:56.123Z");
  EXPECT_FALSE(firing[0].contains("endsAt"));
  EXPECT_EQ(firing[0]["annotations"]["summary"], "port_opened 198.19.0.7:8080");
  EXPECT_EQ(firing[0]["annotations"]["description"], "port 8080 is open and was not before");
  const json resolved = json::parse(alertmanagerBody(sampleEvent("finding_resolved")));
  EXPECT_EQ(resolved[0]["labels"], firing[0]["labels"]) << "same labels: the same alert";
  EXPECT_EQ(resolved[0]["endsAt"], "2026-12-02T07:04:56.123Z");
}

TEST(Payloads, SyslogRfc5424Line) {
  EXPECT_EQ(syslogMessage(sampleEvent(), 3, "scanner1", 4242),
            "<28>1 2026-12-02T07:04:56.123Z scanner1 portlens 4242 finding_opened "
            "[portlens@32473 event_id=\"17\" kind=\"port_opened\" ip=\"198.19.0.7\" "
            "port=\"8080\" monitor=\"dmz\"] finding_opened: port_opened 198.19.0.7:8080 "
            "(monitor dmz): port 8080 is open and was not before");
  // local0 (16) * 8 + notice (5)
  EXPECT_TRUE(syslogMessage(sampleEvent("finding_resolved"), 16, "h", 1).starts_with("<133>1 "));
}

TEST(Payloads, HostileTextCannotForgeSyslogOrMailStructure) {
  auto event = sampleEvent();
  event.finding_json = R"({"kind":"port_opened","ip":"198.19.0.7","port":1,)"
                       R"("detail":"x\r\nBcc: v@evil\n<13>1 fake"})";
  event.monitor_json = R"({"id":3,"name":"a\"] [x@1 y=\"z"})";
  const std::string line = syslogMessage(event, 3, "my host", 1);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("monitor=\"a\\\"\\] [x@1 y=\\\"z\""), std::string::npos) << line;
  EXPECT_NE(line.find(" my-host "), std::string::npos);
  const std::string mail = emailMessage(event, "p@x.test", {"a@x.test"}, "e17-d0");
  const std::string headers = mail.substr(0, mail.find("\r\n\r\n"));
  EXPECT_EQ(headers.find("Bcc"), std::string::npos);
  for (char c : mail) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(Payloads, StoredTextThatIsNotJsonStillGivesJson) {
  auto event = sampleEvent();
  event.finding_json = "{not json";
  event.monitor_json = "";
  const json body = json::parse(webhookBody(event));
  EXPECT_TRUE(body["finding"].is_null());
  EXPECT_EQ(body["monitor"], json::parse(R"({"id":3})"));
  EXPECT_TRUE(json::parse(alertmanagerBody(event)).is_array());
  EXPECT_NE(emailMessage(event, "a@b", {"c@d"}, "e1-d0").find("\"finding\": null"),
            std::string::npos);
}

TEST(Payloads, EmailHeadersAndBody) {
  const std::string mail =
      emailMessage(sampleEvent(), "p@x.test", {"a@x.test", "b@x.test"}, "e17-d2");
  EXPECT_TRUE(
      mail.starts_with("From: <p@x.test>\r\nTo: a@x.test, b@x.test\r\n"
                       "Subject: [Portlens] finding_opened: port_opened 198.19.0.7:8080 "
                       "(monitor dmz)\r\nDate: Wed, 02 Dec 2026 07:04:56 +0000\r\n"
                       "Message-ID: <e17-d2@portlens>\r\n"))
      << mail;
  EXPECT_NE(mail.find("X-Portlens-Delivery: e17-d2\r\n"), std::string::npos);
  EXPECT_NE(mail.find("\"event\": \"finding_opened\""), std::string::npos);
}

}  // namespace
}  // namespace portlens::alerts
