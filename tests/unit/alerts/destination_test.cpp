#include "alerts/destination.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace portlens::alerts {
namespace {

using nlohmann::json;

std::string errorOf(const json& alerts, const std::vector<std::string>& allow = {},
                    bool admin = true) {
  try {
    checkAlertDestinations(alerts, allow, admin);
  } catch (const DestinationError& e) {
    return e.what();
  }
  return "";
}

TEST(HttpUrl, SplitsHostPortAndTarget) {
  std::string error;
  auto url = parseHttpUrl("http://Hooks.Example:8080/a/b?x=1#frag", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->host, "hooks.example");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/a/b?x=1");
  url = parseHttpUrl("http://[::1]:9093", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(canonicalUrl(*url), "http://[::1]:9093/");
  EXPECT_EQ(parseHttpUrl("http://127.0.0.1", error)->port, 80);
}

TEST(HttpUrl, RefusesWhatItCannotDeliverTo) {
  std::string error;
  EXPECT_FALSE(parseHttpUrl("https://127.0.0.1/", error));
  EXPECT_NE(error.find("https"), std::string::npos);
  for (const char* bad :
       {"ftp://x/", "http://", "http://:80/", "http://user@host/", "http://h:0/", "http://h:65536/",
        "http://h:/", "http://[::1]:/", "http://h/a b", "http://h/\r\nX: y", "http://::1/"}) {
    EXPECT_FALSE(parseHttpUrl(bad, error)) << bad;
  }
}

TEST(Destination, ParsesEachType) {
  auto list = checkAlertDestinations(json::parse(R"([
        {"type":"webhook","url":"http://127.0.0.1:8000/hook","secret":"s3"},
        {"type":"alertmanager","url":"http://127.0.0.1:9093/am/"},
        {"type":"syslog","facility":"local3","socket":"/tmp/x.sock"},
        {"type":"syslog"},
        {"type":"email","to":["a@x.test","b@x.test"],"from":"p@x.test","smtp":"127.0.0.1:2525"},
        {"type":"email","to":"a@x.test","from":"p@x.test","smtp":"localhost"}])"),
                                     {}, true);
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(list[0].secret, "s3");
  EXPECT_EQ(list[0].url.target, "/hook");
  EXPECT_EQ(list[1].type, DestinationType::kAlertmanager);
  EXPECT_EQ(list[1].url.target, "/am/api/v2/alerts");
  EXPECT_EQ(list[2].facility, 19);
  EXPECT_EQ(list[2].socket, "/tmp/x.sock");
  EXPECT_EQ(list[3].facility, 3);
  EXPECT_EQ(list[3].socket, "/dev/log");
  EXPECT_EQ(list[4].to.size(), 2u);
  EXPECT_EQ(list[4].smtp_port, 2525);
  EXPECT_EQ(list[5].smtp_host, "localhost");
  EXPECT_EQ(list[5].smtp_port, 25);
  EXPECT_TRUE(checkAlertDestinations(json(), {}, false).empty());
}

TEST(Destination, ErrorsNameTheEntryAndTheProblem) {
  EXPECT_EQ(errorOf(json::parse(R"([{"type":"syslog"},{"type":"webhook","url":"http://h/"}])")),
            "alerts[1]: webhook needs a \"secret\" string");
  EXPECT_EQ(errorOf(json::parse(R"([{"type":"pager"}])")),
            "alerts[0]: unknown alert type \"pager\" (webhook, alertmanager, syslog or email)");
  EXPECT_EQ(errorOf(json::parse(R"([{"type":"syslog","facilty":"daemon"}])")),
            "alerts[0]: syslog: unknown key \"facilty\"");
  EXPECT_EQ(errorOf(json::parse(R"({"type":"syslog"})")), "\"alerts\" must be an array");
  EXPECT_NE(errorOf(json::parse(R"([{"type":"syslog","facility":"local9"}])")), "");
  EXPECT_NE(errorOf(json::parse(R"([{"type":"syslog","socket":"relative"}])")), "");
  EXPECT_NE(errorOf(json::parse(R"([{"type":"email","to":"a@x","from":"p@x\r\nBcc: v@x",
                                     "smtp":"h"}])")),
            "");
  EXPECT_NE(errorOf(json::parse(R"([{"type":"email","to":"no-at","from":"p@x","smtp":"h"}])")), "");
  EXPECT_NE(errorOf(json::parse(R"([{"type":"email","to":[],"from":"p@x","smtp":"h"}])")), "");
  json many = json::array();
  for (int i = 0; i < 9; ++i) many.push_back({{"type", "syslog"}});
  EXPECT_EQ(errorOf(many), "\"alerts\": at most 8 destinations");
}

TEST(Destination, OnlyAdminsLeaveTheAllowList) {
  const std::vector<std::string> allow = {"http://127.0.0.1:8000/hooks", "smtp://127.0.0.1:2525",
                                          "unix:/dev/log", "http://127.0.0.1:9093"};
  const auto hook = [](const char* url) {
    return json::array({{{"type", "webhook"}, {"url", url}, {"secret", "s"}}});
  };
  EXPECT_EQ(errorOf(hook("http://127.0.0.1:8000/hooks"), allow, false), "");
  EXPECT_EQ(errorOf(hook("http://127.0.0.1:8000/hooks/a"), allow, false), "");
  EXPECT_EQ(errorOf(hook("http://127.0.0.1:8000/hooks?x"), allow, false), "");
  EXPECT_EQ(errorOf(hook("http://127.0.0.1:9093/anything"), allow, false), "");
  for (const char* outside :
       {"http://127.0.0.1:8000/hooksmith", "http://127.0.0.1:8001/hooks",
        "http://10.0.0.1:8000/hooks", "http://169.254.169.254/latest/meta-data",
        "http://localhost:8000/hooks"}) {
    try {
      checkAlertDestinations(hook(outside), allow, false);
      ADD_FAILURE() << outside << " was allowed";
    } catch (const DestinationError& e) {
      EXPECT_TRUE(e.forbidden()) << outside;
      EXPECT_NE(std::string(e.what()).find("alert_destinations"), std::string::npos);
    }
    EXPECT_EQ(errorOf(hook(outside), allow, true), "") << outside;
  }
  const auto mail = [](const char* relay) {
    return json::array({{{"type", "email"}, {"to", "a@x"}, {"from", "p@x"}, {"smtp", relay}}});
  };
  EXPECT_EQ(errorOf(mail("127.0.0.1:2525"), allow, false), "");
  EXPECT_NE(errorOf(mail("127.0.0.1"), allow, false), "");
  EXPECT_EQ(errorOf(json::parse(R"([{"type":"syslog"}])"), allow, false), "");
  EXPECT_NE(
      errorOf(json::parse(R"([{"type":"syslog","socket":"/run/systemd/notify"}])"), allow, false),
      "");
  // An empty allow list: nobody but admins names a destination.
  EXPECT_NE(errorOf(json::parse(R"([{"type":"syslog"}])"), {}, false), "");
}

TEST(Destination, AllowEntriesAreChecked) {
  EXPECT_EQ(allowEntryError("http://127.0.0.1:9093"), "");
  EXPECT_EQ(allowEntryError("smtp://[::1]:25"), "");
  EXPECT_EQ(allowEntryError("unix:/dev/log"), "");
  EXPECT_NE(allowEntryError("https://x/"), "");
  EXPECT_NE(allowEntryError("smtp://"), "");
  EXPECT_NE(allowEntryError("10.0.0.0/8"), "");
}

}  // namespace
}  // namespace portlens::alerts
