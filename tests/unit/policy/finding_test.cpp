#include "policy/finding.h"

#include <gtest/gtest.h>

#include "policy/finding_json.h"

namespace portlens::policy {
namespace {

TEST(Finding, KindNamesRoundTrip) {
  const char* names[] = {
      "unexpected_open",  "missing",     "expired",     "service_mismatch", "unexpected_listener",
      "process_mismatch", "port_opened", "port_closed", "service_changed"};
  for (int i = 0; i < 9; ++i) {
    const auto kind = static_cast<FindingKind>(i);
    EXPECT_EQ(toString(kind), names[i]);
    EXPECT_EQ(parseFindingKind(names[i]), kind);
  }
  EXPECT_FALSE(parseFindingKind("Missing").has_value());
  EXPECT_FALSE(parseFindingKind("").has_value());
}

Finding sample() {
  Finding finding;
  finding.kind = FindingKind::kUnexpectedListener;
  finding.local = true;
  finding.ip = core::IpAddress::parse("127.0.0.1").value();
  finding.port = 8080;
  finding.state = "listening";
  finding.process = ProcessInfo{4242, "python3", "alice"};
  finding.detail = "listening, not in the policy";
  return finding;
}

TEST(Finding, KeyIsKindPlaceAndPortOnly) {
  Finding a = sample();
  Finding b = sample();
  b.state = "other";
  b.process.reset();
  b.detail = "changed";
  EXPECT_EQ(findingKey(a), findingKey(b));
  EXPECT_EQ(findingKey(a), "unexpected_listener|local|127.0.0.1|8080");
  b.port = 8081;
  EXPECT_NE(findingKey(a), findingKey(b));
  b = sample();
  b.local = false;
  EXPECT_NE(findingKey(a), findingKey(b));
  b = sample();
  b.kind = FindingKind::kPortOpened;
  EXPECT_NE(findingKey(a), findingKey(b));
}

TEST(FindingJson, ShapeAndRoundTrip) {
  const Finding finding = sample();
  const auto json = findingJson(finding);
  EXPECT_EQ(json.dump(),
            R"({"kind":"unexpected_listener","local":true,"ip":"127.0.0.1","port":8080,)"
            R"("state":"listening","process":{"pid":4242,"name":"python3","user":"alice"},)"
            R"("detail":"listening, not in the policy"})");
  const auto back = findingFromJson(nlohmann::json::parse(json.dump()));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(findingKey(*back), findingKey(finding));
  EXPECT_EQ(back->process->name, "python3");
  EXPECT_EQ(back->detail, finding.detail);
  EXPECT_FALSE(findingFromJson(nlohmann::json::parse(R"({"kind":"x","ip":"1.2.3.4","port":1})")));
  EXPECT_FALSE(findingFromJson(nlohmann::json::parse(R"({"kind":"missing","ip":"1.2.3.4"})")));
  EXPECT_FALSE(
      findingFromJson(nlohmann::json::parse(R"({"kind":"missing","ip":"1.2.3.4","port":70000})")));
}

TEST(FindingJson, TextEscapesPeerSuppliedNames) {
  Finding finding = sample();
  finding.process->name = "evil\x1b[2J";
  const std::string text = findingText(finding);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("local 127.0.0.1:8080 unexpected_listener (listening"), std::string::npos);
}

}  // namespace
}  // namespace portlens::policy
