#include "registry/port_explanation.h"

#include <gtest/gtest.h>

namespace portlens::registry {
namespace {

const PortRegistry& registry() {
  static const PortRegistry kRegistry = PortRegistry::builtin();
  return kRegistry;
}

constexpr EphemeralRange kLinuxDefault{32768, 60999};

TEST(PortExplanation, ExplainsAnAssignedPort) {
  const Explanation e = explainPort(registry(), 443, kLinuxDefault);
  EXPECT_EQ(e.port, 443);
  EXPECT_EQ(e.protocol, "tcp");
  EXPECT_EQ(e.name, "https");
  EXPECT_EQ(e.names, std::vector<std::string>{"https"});
  EXPECT_EQ(e.description, "http protocol over TLS/SSL");
  EXPECT_EQ(e.range, PortRange::kWellKnown);
  EXPECT_FALSE(e.in_ephemeral_range);
  EXPECT_EQ(e.rank, registry().rankOf(443));
  EXPECT_EQ(e.ranking_source, RankingSource::kBuiltin);
}

TEST(PortExplanation, RendersText) {
  const std::string text = renderText(explainPort(registry(), 80, kLinuxDefault));
  EXPECT_EQ(text,
            "80/tcp  http  \u2014 World Wide Web HTTP\n"
            "  aliases    www, www-http\n"
            "  range      well-known (0-1023)\n"
            "  ephemeral  no (local range 32768-60999)\n"
            "  rank       1 of 65536 (built-in ranking)\n");
}

TEST(PortExplanation, RendersAnUnassignedEphemeralPort) {
  const Explanation e = explainPort(registry(), 50000, kLinuxDefault);
  EXPECT_TRUE(e.name.empty());
  EXPECT_TRUE(e.in_ephemeral_range);
  EXPECT_EQ(e.range, PortRange::kDynamic);
  const std::string text = renderText(e);
  EXPECT_EQ(text.rfind("50000/tcp  (no IANA service name)\n", 0), 0u) << text;
  EXPECT_NE(text.find("  ephemeral  yes: the kernel may pick it as a source port "
                      "(local range 32768-60999)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("aliases"), std::string::npos);
}

TEST(PortExplanation, SaysWhenTheEphemeralRangeIsUnknown) {
  const Explanation e = explainPort(registry(), 22, std::nullopt);
  EXPECT_FALSE(e.in_ephemeral_range);
  EXPECT_NE(renderText(e).find("  ephemeral  unknown"), std::string::npos);
  const auto json = toJson(e);
  EXPECT_TRUE(json["in_ephemeral_range"].is_null());
  EXPECT_TRUE(json["ephemeral_range"].is_null());
}

TEST(PortExplanation, RendersJson) {
  const auto json = toJson(explainPort(registry(), 443, kLinuxDefault));
  EXPECT_EQ(json.dump(),
            R"({"port":443,"protocol":"tcp","name":"https","names":["https"],)"
            R"("description":"http protocol over TLS/SSL","range":"well-known",)"
            R"("in_ephemeral_range":false,"ephemeral_range":{"first":32768,"last":60999},)"
            R"("rank":)" +
                std::to_string(registry().rankOf(443)) + R"(,"ranking":"builtin"})");
}

TEST(PortExplanation, JsonUsesNullForUnknownNames) {
  const auto json = toJson(explainPort(registry(), 4, kLinuxDefault));
  EXPECT_TRUE(json["name"].is_null());
  EXPECT_TRUE(json["description"].is_null());
  EXPECT_TRUE(json["names"].is_array());
  EXPECT_TRUE(json["names"].empty());
}

TEST(PortExplanation, RenderJsonIsAnArrayForOneOrMany) {
  const std::string one = renderJson({explainPort(registry(), 22, kLinuxDefault)});
  const auto parsed = nlohmann::json::parse(one);
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["name"], "ssh");
  EXPECT_EQ(one.back(), '\n');
  EXPECT_EQ(nlohmann::json::parse(renderJson({})).size(), 0u);
}

TEST(PortExplanation, ReportsTheNmapRankingWhenLoaded) {
  PortRegistry ranked = PortRegistry::builtin();
  ASSERT_TRUE(ranked.loadNmapRanking(PORTLENS_TEST_DATA_DIR "/nmap-services-sample"));
  const Explanation e = explainPort(ranked, 7000, kLinuxDefault);
  EXPECT_EQ(e.rank, 1u);
  EXPECT_NE(renderText(e).find("rank       1 of 65536 (nmap-services frequencies)"),
            std::string::npos);
  EXPECT_EQ(toJson(e)["ranking"], "nmap");
}

}  // namespace
}  // namespace portlens::registry
