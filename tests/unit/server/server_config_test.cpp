#include "server/server_config.h"

#include <gtest/gtest.h>

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

TEST(ServerConfig, ErrorsNameTheLine) {
  ServerConfig config;
  try {
    applyConfigText(config, "listen = \"a:1\"\nmax_probs = 3\n");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "line 2: unknown key 'max_probs'");
  }
  EXPECT_THROW(applyConfigText(config, "[tokens.x]\nallow = [\"10.0.0.1/8\"]"),
               std::invalid_argument);
  EXPECT_THROW(applyConfigText(config, "[other]"), std::invalid_argument);
  EXPECT_THROW(applyConfigText(config, "db = \"open"), std::invalid_argument);
  EXPECT_THROW(applyConfigText(config, "max_probes = -1"), std::invalid_argument);
  EXPECT_THROW(applyConfigText(config, "reverse_dns = 1"), std::invalid_argument);
  EXPECT_THROW(applyConfigText(config, "reverse_dns = yes"), std::invalid_argument);
  EXPECT_THROW(applyConfigText(config, "max_probes = true"), std::invalid_argument);
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
