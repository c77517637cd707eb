#include "server/server_config.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace portlens::server {
namespace {

TEST(ServerConfig, ReadsEveryKey) {
  ServerConfig config;
  applyConfigText(config, R"(# comment
listen = "127.0.0.1:9090"   # trailing comment
db = "/tmp/x.db"
max_running_scans = 3
max_probes = 5000
http_threads = 1
reverse_dns = false

[anonymous]
max_probes = 10
scans_per_minute = 6
max_active_scans = 2
allow = ["127.0.0.1/32"]

[tokens.lab]
allow = ["198.19.0.0/16", "2001:2:0:1::/64"]
)");
  EXPECT_EQ(config.listen, "127.0.0.1:9090");
  EXPECT_EQ(config.db, "/tmp/x.db");
  EXPECT_EQ(config.max_running_scans, 3u);
  EXPECT_EQ(config.max_probes, 5000u);
  EXPECT_FALSE(config.reverse_dns);
  EXPECT_EQ(config.anonymous.max_probes, 10u);
  EXPECT_EQ(config.anonymous.scans_per_minute, 6);
  EXPECT_EQ(config.anonymous.max_active_scans, 2u);
  ASSERT_EQ(config.anonymous.allow.size(), 1u);
  ASSERT_EQ(config.token_allow["lab"].size(), 2u);
  EXPECT_EQ(config.token_allow["lab"][1].toString(), "2001:2:0:1::/64");
}

// The error text a file gives, or "" when it is accepted.
std::string errorOf(std::string_view text) {
  ServerConfig config;
  try {
    applyConfigText(config, text);
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

TEST(ServerConfig, KeepsDefaultsForAnEmptyFile) {
  ServerConfig config;
  applyConfigText(config, "# nothing set\n\n");
  EXPECT_EQ(config.listen, "127.0.0.1:8080");
  EXPECT_EQ(config.max_running_scans, 2u);
  EXPECT_TRUE(config.reverse_dns);
  EXPECT_TRUE(config.token_allow.empty());
}

TEST(ServerConfig, ReadsTomlBeyondTheOldSubset) {
  ServerConfig config;
  applyConfigText(config, R"(listen = 'literal:1'
max_probes = 1_000_000
[anonymous]
scans_per_minute = 0.5
allow = [
  "127.0.0.1/32",  # multi-line arrays and trailing commas
]
[tokens]
lab.allow = ["198.19.0.0/16"]
ci = { allow = ["2001:2::/48"] }
)");
  EXPECT_EQ(config.listen, "literal:1");
  EXPECT_EQ(config.max_probes, 1000000u);
  EXPECT_EQ(config.anonymous.scans_per_minute, 0.5);
  EXPECT_EQ(config.anonymous.allow.size(), 1u);
  EXPECT_EQ(config.token_allow["lab"][0].toString(), "198.19.0.0/16");
  EXPECT_EQ(config.token_allow["ci"][0].toString(), "2001:2::/48");
}

TEST(ServerConfig, CountsAtLeastOneWorker) {
  ServerConfig config;
  applyConfigText(config, "max_running_scans = 0\nhttp_threads = 0\n");
  EXPECT_EQ(config.max_running_scans, 1u);
  EXPECT_EQ(config.http_threads, 1u);
}

TEST(ServerConfig, UnknownKeysAndTablesAreErrors) {
  EXPECT_EQ(errorOf("listen = \"a:1\"\nmax_probs = 3\n"),
            "line 2, column 1: unknown key 'max_probs'");
  EXPECT_EQ(errorOf("[anonymous]\n  max_probe = 3\n"),
            "line 2, column 3: unknown key 'max_probe' in [anonymous]");
  EXPECT_EQ(errorOf("[tokens.lab]\nalow = []\n"),
            "line 2, column 1: unknown key 'alow' in [tokens.lab]");
  EXPECT_EQ(errorOf("\n[other]\nx = 1\n"), "line 2, column 2: unknown table [other]");
}

TEST(ServerConfig, WrongTypesNameLineAndColumn) {
  EXPECT_EQ(errorOf("max_probes = -1"), "line 1, column 14: expected a non-negative integer");
  EXPECT_EQ(errorOf("max_probes = true"), "line 1, column 14: expected a non-negative integer");
  EXPECT_EQ(errorOf("reverse_dns = 1"), "line 1, column 15: expected true or false");
  EXPECT_EQ(errorOf("db = 3"), "line 1, column 6: expected a string");
  EXPECT_EQ(errorOf("[anonymous]\nallow = \"127.0.0.1/32\""),
            "line 2, column 9: expected an array of CIDR strings");
  EXPECT_EQ(errorOf("[anonymous]\nallow = [\"127.0.0.1/32\", 7]"),
            "line 2, column 26: expected a CIDR string");
  EXPECT_EQ(errorOf("anonymous = 3"),
            "line 1, column 13: 'anonymous' must be a table ([anonymous])");
  EXPECT_EQ(errorOf("tokens = { lab = 1 }"),
            "line 1, column 18: 'tokens.lab' must be a table ([tokens.lab])");
}

TEST(ServerConfig, AlertDestinationsAllowList) {
  ServerConfig config;
  EXPECT_TRUE(config.alert_destinations.empty());
  applyConfigText(config, R"(alert_destinations = ["http://127.0.0.1:9093", "smtp://127.0.0.1:25",
                                                    "unix:/dev/log"])");
  EXPECT_EQ(
      config.alert_destinations,
      (std::vector<std::string>{"http://127.0.0.1:9093", "smtp://127.0.0.1:25", "unix:/dev/log"}));
  EXPECT_EQ(errorOf("alert_destinations = [\"https://h/\"]"),
            "line 1, column 23: invalid alert destination 'https://h/': https:// is not supported "
            "for alert deliveries; use http:// (or use smtp://HOST:PORT, unix:/PATH)");
  EXPECT_EQ(errorOf("alert_destinations = \"http://h/\""),
            "line 1, column 22: expected an array of destination strings");
}

TEST(ServerConfig, InvalidCidrNamesTheItem) {
  EXPECT_EQ(errorOf("[tokens.x]\nallow = [\"10.0.0.1/8\"]"),
            "line 2, column 10: invalid CIDR '10.0.0.1/8' (host bits must be zero)");
}

TEST(ServerConfig, SyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(errorOf("db = \"open").rfind("line 1, column ", 0), 0u) << errorOf("db = \"open");
  EXPECT_EQ(errorOf("listen = \"a:1\"\nreverse_dns = yes").rfind("line 2, column ", 0), 0u);
  EXPECT_EQ(errorOf("db = \"a\"\ndb = \"b\"").rfind("line 2, column ", 0), 0u);  // redefined
  EXPECT_EQ(errorOf("[anonymous\n").rfind("line 1, column ", 0), 0u);
}

TEST(ServerConfig, SplitsListenAddresses) {
  EXPECT_EQ(splitListen("127.0.0.1:8080"),
            std::make_pair(std::string("127.0.0.1"), std::uint16_t{8080}));
  EXPECT_EQ(splitListen("[::1]:0").first, "::1");
  EXPECT_THROW(splitListen("127.0.0.1"), std::invalid_argument);
  EXPECT_THROW(splitListen("127.0.0.1:70000"), std::invalid_argument);
}

}  // namespace
}  // namespace portlens::server

namespace portlens::server {
namespace {

TEST(ServerConfig, MetricsAreOnWithoutTokenByDefault) {
  ServerConfig config;
  applyConfigText(config, "");
  EXPECT_TRUE(config.metrics.enabled);
  EXPECT_EQ(config.metrics.bearer_token, "");
}

TEST(ServerConfig, ReadsTheMetricsTable) {
  ServerConfig config;
  applyConfigText(config, "[metrics]\nenabled = false\nbearer_token = \"s3cret\"\n");
  EXPECT_FALSE(config.metrics.enabled);
  EXPECT_EQ(config.metrics.bearer_token, "s3cret");
  EXPECT_THROW(applyConfigText(config, "[metrics]\nenable = true\n"), std::invalid_argument);
  EXPECT_THROW(applyConfigText(config, "[metrics]\nenabled = 1\n"), std::invalid_argument);
}

TEST(ServerConfig, ReadsProxiesAndTls) {
  ServerConfig config;
  applyConfigText(config, R"(trusted_proxies = ["127.0.0.1", "::1", "10.0.0.0/8"]
tls_cert = "/etc/portlens/cert.pem"
tls_key = "/etc/portlens/key.pem"
)");
  ASSERT_EQ(config.trusted_proxies.size(), 3u);
  EXPECT_EQ(config.trusted_proxies[2].toString(), "10.0.0.0/8");
  EXPECT_EQ(config.tls_cert, "/etc/portlens/cert.pem");
  EXPECT_EQ(config.tls_key, "/etc/portlens/key.pem");
}

TEST(ServerConfig, TlsNeedsBothFilesAndProxiesValidBlocks) {
  const auto throws = [](std::string_view text) {
    ServerConfig config;
    try {
      applyConfigText(config, text);
    } catch (const std::invalid_argument&) {
      return true;
    }
    return false;
  };
  EXPECT_TRUE(throws("tls_cert = \"c.pem\""));
  EXPECT_TRUE(throws("tls_key = \"k.pem\""));
  EXPECT_FALSE(throws("tls_cert = \"c.pem\"\ntls_key = \"k.pem\""));
  EXPECT_TRUE(throws("trusted_proxies = [\"10.0.0.1/8\"]"));
  EXPECT_TRUE(throws("trusted_proxies = \"127.0.0.1\""));
}

}  // namespace
}  // namespace portlens::server
