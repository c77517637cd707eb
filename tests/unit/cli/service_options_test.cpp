// port, serve and token: what their options become; bad values are refused with the token
// named before anything runs (no database is opened, nothing listens).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "cli/port_command.h"
#include "cli/serve_command.h"
#include "cli/token_command.h"
#include "core/error.h"
#include "parse_options.h"

namespace portlens::cli {
namespace {

TEST(PortOptions, EveryArgumentBecomesAQuery) {
  const PortRequest r = buildPortRequest(
      testing::parseOptions<PortOptions>(addPortOptions, {"443", "https", "--format", "json"}));
  ASSERT_EQ(r.queries.size(), 2u);
  EXPECT_EQ(r.queries[0].kind, registry::PortQuery::Kind::kPort);
  EXPECT_EQ(r.queries[0].port, 443);
  EXPECT_EQ(r.queries[1].kind, registry::PortQuery::Kind::kName);
  EXPECT_EQ(r.queries[1].name, "https");
  EXPECT_TRUE(r.json);
}

TEST(PortOptions, BadArgumentsNameTheToken) {
  const std::string error = testing::usageErrorOf([] {
    buildPortRequest(testing::parseOptions<PortOptions>(addPortOptions, {"22", "99999"}));
  });
  EXPECT_NE(error.find("99999"), std::string::npos) << error;
  EXPECT_THROW(testing::parseOptions<PortOptions>(addPortOptions, {}), CLI::RequiredError);
}

// A config file in a fresh temporary folder, removed afterwards.
class ServeOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/portlens-cli-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::remove((dir_ + "/portlens.toml").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string writeConfig(const std::string& text) {
    const std::string path = dir_ + "/portlens.toml";
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(ServeOptionsTest, OptionsWinOverTheFile) {
  const std::string path = writeConfig("listen = \"127.0.0.1:9000\"\ndb = \"file.db\"\n");
  const auto config = buildServeConfig(testing::parseOptions<ServeOptions>(
      addServeOptions, {"--config", path, "--listen", "[::1]:8081"}));
  EXPECT_EQ(config.listen, "[::1]:8081");
  EXPECT_EQ(config.db, "file.db");
}

TEST_F(ServeOptionsTest, BadFilesAndAddressesNameTheProblem) {
  const std::string path = writeConfig("max_probez = 3\n");
  EXPECT_EQ(
      testing::usageErrorOf([&] {
        buildServeConfig(testing::parseOptions<ServeOptions>(addServeOptions, {"--config", path}));
      }),
      path + ": line 1, column 1: unknown key 'max_probez'");
  EXPECT_EQ(testing::usageErrorOf([&] {
              buildServeConfig(testing::parseOptions<ServeOptions>(
                  addServeOptions, {"--config", dir_ + "/missing.toml"}));
            }),
            "cannot read config file '" + dir_ + "/missing.toml'");
  EXPECT_NE(testing::usageErrorOf([] {
              buildServeConfig(
                  testing::parseOptions<ServeOptions>(addServeOptions, {"--listen", "nohost"}));
            }).find("nohost"),
            std::string::npos);
}

TEST(ServeOptions, LogFormatIsTextOrJson) {
  EXPECT_EQ(buildServeConfig(testing::parseOptions<ServeOptions>(addServeOptions, {})).log_format,
            server::LogFormat::kText);
  EXPECT_EQ(buildServeConfig(
                testing::parseOptions<ServeOptions>(addServeOptions, {"--log-format", "json"}))
                .log_format,
            server::LogFormat::kJson);
  EXPECT_THROW(testing::parseOptions<ServeOptions>(addServeOptions, {"--log-format", "xml"}),
               CLI::ValidationError);
}

TEST(TokenOptions, AllowBlocksAreNormalised) {
  const TokenRequest r = buildTokenRequest(testing::parseOptions<TokenOptions>(
      addTokenOptions, {"--name", "lab", "--allow", "198.19.0.0/16, 2001:2::/48", "--admin"}));
  EXPECT_EQ(r.name, "lab");
  EXPECT_EQ(r.allow, "198.19.0.0/16,2001:2::/48");
  EXPECT_TRUE(r.admin);
  EXPECT_EQ(r.db, "portlens.db");
}

TEST(TokenOptions, BadValuesNameTheToken) {
  const std::string error = testing::usageErrorOf([] {
    buildTokenRequest(testing::parseOptions<TokenOptions>(
        addTokenOptions, {"--name", "lab", "--allow", "10.0.0.1/8"}));
  });
  EXPECT_NE(error.find("10.0.0.1/8"), std::string::npos) << error;
  EXPECT_EQ(testing::usageErrorOf([] {
              buildTokenRequest(testing::parseOptions<TokenOptions>(
                  addTokenOptions, {"--name", std::string(65, 'x')}));
            }),
            "--name must be 1-64 characters");
  EXPECT_THROW(testing::parseOptions<TokenOptions>(addTokenOptions, {}), CLI::RequiredError);
}

}  // namespace
}  // namespace portlens::cli
