#include "server/api_request.h"

#include <gtest/gtest.h>

#include "server/api_error.h"

namespace portlens::server {
namespace {

int statusOf(std::string_view body) {
  static const auto registry = registry::PortRegistry::builtin();
  try {
    parseScanRequest(body, registry);
    return 200;
  } catch (const ApiError& e) {
    return e.status();
  }
}

TEST(ApiRequest, ParsesScanBodies) {
  auto registry = registry::PortRegistry::builtin();
  auto r = parseScanRequest(R"({"targets":"198.19.0.7","ports":"22,80-81"})", registry);
  EXPECT_EQ(r.targets, "198.19.0.7");
  EXPECT_EQ(r.ports.toString(), "22,80-81");
  EXPECT_EQ(r.mode, scan::ScanType::kConnect);
  EXPECT_EQ(parseScanRequest(R"({"targets":"x","ports":"top100"})", registry).ports.size(), 100u);
  EXPECT_EQ(parseScanRequest(R"({"targets":"x"})", registry).ports.size(), 1000u);
  EXPECT_EQ(parseScanRequest(R"({"targets":"x","ports":"all"})", registry).ports.size(), 65535u);
  EXPECT_TRUE(parseScanRequest(R"({"targets":"x","ports":"http"})", registry).ports.contains(80));
}

// Lists show what the user chose, not the expanded set: presets by name, specs as typed,
// cut at 100 bytes so a long spec cannot bloat every list.
TEST(ApiRequest, KeepsWhatTheUserChoseForPorts) {
  auto registry = registry::PortRegistry::builtin();
  auto label = [&](const std::string& body) {
    return parseScanRequest(body, registry).ports_label;
  };
  EXPECT_EQ(label(R"({"targets":"x"})"), "top1000");
  EXPECT_EQ(label(R"({"targets":"x","ports":"all"})"), "all");
  EXPECT_EQ(label(R"({"targets":"x","ports":"http,22"})"), "http,22");
  std::string long_spec(151, '1');  // "1,1,...,1"
  for (std::size_t i = 1; i < long_spec.size(); i += 2) long_spec[i] = ',';
  const auto long_label = label(R"({"targets":"x","ports":")" + long_spec + R"("})");
  EXPECT_EQ(long_label, long_spec.substr(0, 100) + "\u2026");
}

// Service detection is asked for with a JSON boolean; anything else is refused, not guessed.
TEST(ApiRequest, ServiceDetectionIsABoolean) {
  auto registry = registry::PortRegistry::builtin();
  auto detect = [&](const std::string& body) {
    return parseScanRequest(body, registry).service_detection;
  };
  EXPECT_FALSE(detect(R"({"targets":"x"})"));
  EXPECT_FALSE(detect(R"({"targets":"x","service_detection":null})"));
  EXPECT_FALSE(detect(R"({"targets":"x","service_detection":false})"));
  EXPECT_TRUE(detect(R"({"targets":"x","service_detection":true})"));
  for (const char* bad :
       {R"({"targets":"x","service_detection":"true"})", R"({"targets":"x","service_detection":1})",
        R"({"targets":"x","service_detection":{}})"}) {
    try {
      parseScanRequest(bad, registry);
      ADD_FAILURE() << bad;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400) << bad;
      EXPECT_EQ(e.code(), "invalid_field") << bad;
    }
  }
}

TEST(ApiRequest, RefusesBadBodies) {
  EXPECT_EQ(statusOf("not json"), 400);
  EXPECT_EQ(statusOf("[]"), 400);
  EXPECT_EQ(statusOf(R"({"ports":"22"})"), 400);
  EXPECT_EQ(statusOf(R"({"targets":"  "})"), 400);
  EXPECT_EQ(statusOf(R"({"targets":5})"), 400);
  EXPECT_EQ(statusOf(R"({"targets":"x","ports":"70000"})"), 400);
  EXPECT_EQ(statusOf(R"({"targets":"x","ports":"5-1"})"), 400);
  EXPECT_EQ(statusOf(R"({"targets":"x","mode":"udp"})"), 400);
  EXPECT_EQ(statusOf(R"({"targets":"x","mode":"syn"})"), 422);  // a server without raw sockets
  EXPECT_EQ(statusOf(std::string(70000, ' ')), 413);
}

TEST(ApiRequest, TheSynCheckIsAskedOnlyForSynScans) {
  const auto registry = registry::PortRegistry::builtin();
  int asked = 0;
  auto yes = [&] { return ++asked > 0; };
  EXPECT_EQ(parseScanRequest(R"({"targets":"x"})", registry, yes).mode, scan::ScanType::kConnect);
  EXPECT_EQ(asked, 0);
  EXPECT_EQ(parseScanRequest(R"({"targets":"x","mode":"syn"})", registry, yes).mode,
            scan::ScanType::kSyn);
  EXPECT_EQ(asked, 1);
  try {
    parseScanRequest(R"({"targets":"x","mode":"syn"})", registry, [] { return false; });
    FAIL() << "a SYN scan without a SYN-capable runner was accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.code(), "mode_unavailable");
    EXPECT_NE(std::string(e.what()).find("no SYN-capable runner"), std::string::npos) << e.what();
  }
}

TEST(ApiRequest, QueryStatesFormatsAndIds) {
  auto q = parseQuery("format=csv&states=open%2Cclosed&x=a+b&empty");
  EXPECT_EQ(q["format"], "csv");
  EXPECT_EQ(q["states"], "open,closed");
  EXPECT_EQ(q["x"], "a b");
  EXPECT_EQ(q.count("empty"), 1u);
  EXPECT_EQ(parseResultFormat(std::nullopt), output::Format::kNdjson);
  EXPECT_EQ(parseResultFormat("xml"), output::Format::kXml);
  EXPECT_THROW(parseResultFormat("text"), ApiError);
  EXPECT_EQ(parseStates(std::nullopt).size(), 2u);
  EXPECT_EQ(parseStates("all").size(), 3u);
  EXPECT_EQ(parseStates("closed").count(scan::PortState::kClosed), 1u);
  EXPECT_THROW(parseStates("open,bogus"), ApiError);
  EXPECT_EQ(parseId("42"), 42);
  EXPECT_THROW(parseId("0"), ApiError);
  EXPECT_THROW(parseId("4x"), ApiError);
  EXPECT_THROW(parseId(""), ApiError);
}

TEST(ApiRequest, BearerTokens) {
  EXPECT_EQ(parseBearer(""), std::nullopt);
  EXPECT_EQ(parseBearer("Bearer abc"), "abc");
  EXPECT_THROW(parseBearer("Basic abc"), ApiError);
  EXPECT_THROW(parseBearer("Bearer "), ApiError);
}

}  // namespace
}  // namespace portlens::server
