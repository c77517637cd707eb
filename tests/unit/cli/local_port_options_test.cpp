// who, check, free and ephemeral: what their options become, and bad values refused with the
// token named before anything is read.
#include <gtest/gtest.h>

#include "cli/ephemeral_command.h"
#include "cli/free_command.h"
#include "cli/local_ports.h"
#include "core/error.h"
#include "parse_options.h"

namespace portlens::cli {
namespace {

PortsRequest portsRequest(std::vector<std::string> args) {
  const auto options = testing::parseOptions<PortsOptions>(addPortsOptions, std::move(args));
  return buildPortsRequest(options, registry::PortRegistry::builtin());
}

FreeRequest freeRequest(std::vector<std::string> args) {
  return buildFreeRequest(testing::parseOptions<FreeOptions>(addFreeOptions, std::move(args)));
}

// who and check share PORT... [--format] [-N].
TEST(PortsOptions, NamesBecomePortsInOrderWithoutDuplicates) {
  const PortsRequest r = portsRequest({"https", "80", "http", "22", "-N", "lab"});
  EXPECT_EQ(r.ports, (std::vector<std::uint16_t>{443, 80, 22}));
  EXPECT_FALSE(r.json);
  EXPECT_EQ(r.netns, "lab");
  EXPECT_TRUE(portsRequest({"22", "--format", "json"}).json);
}

TEST(PortsOptions, BadPortsNameTheToken) {
  EXPECT_NE(testing::usageErrorOf([] { portsRequest({"70000"}); }).find("70000"),
            std::string::npos);
  EXPECT_EQ(testing::usageErrorOf([] {
              portsRequest({"22", "no-such-service"});
            }),
            "unknown TCP service name 'no-such-service'");
  EXPECT_THROW(portsRequest({}), CLI::RequiredError);
  EXPECT_THROW(portsRequest({"22", "--format", "xml"}), CLI::ValidationError);
}

TEST(FreeOptions, RangeCountAndFormat) {
  const FreeRequest defaults = freeRequest({});
  EXPECT_EQ(defaults.first, 1024);
  EXPECT_EQ(defaults.last, 65535);
  EXPECT_EQ(defaults.count, 1u);
  EXPECT_FALSE(defaults.json);
  const FreeRequest r = freeRequest({"--range", "8000-9000", "--count", "5", "--format", "json"});
  EXPECT_EQ(r.first, 8000);
  EXPECT_EQ(r.last, 9000);
  EXPECT_EQ(r.count, 5u);
  EXPECT_TRUE(r.json);
}

TEST(FreeOptions, BadValuesNameTheToken) {
  EXPECT_EQ(testing::usageErrorOf([] {
              freeRequest({"--range", "5-1"});
            }),
            "--range: '5-1' is empty (A > B)");
  EXPECT_EQ(testing::usageErrorOf([] {
              freeRequest({"--range", "80"});
            }),
            "--range: expected A-B, got '80'");
  EXPECT_EQ(testing::usageErrorOf([] {
              freeRequest({"--range", "0-70000"});
            }),
            "--range: '0-70000' is not A-B with ports 1-65535");
  EXPECT_EQ(testing::usageErrorOf([] {
              freeRequest({"--count", "0"});
            }),
            "--count must be between 1 and 65535");
  EXPECT_THROW(freeRequest({"--count", "many"}), CLI::ConversionError);
}

TEST(EphemeralOptions, TopFormatNamespace) {
  const auto r = buildEphemeralRequest(testing::parseOptions<EphemeralOptions>(
      addEphemeralOptions, {"--top", "3", "--format", "json", "-N", "/proc/1/ns/net"}));
  EXPECT_EQ(r.top, 3u);
  EXPECT_TRUE(r.json);
  EXPECT_EQ(r.netns, "/proc/1/ns/net");
  EXPECT_EQ(buildEphemeralRequest({}).top, 10u);
  EXPECT_THROW(testing::parseOptions<EphemeralOptions>(addEphemeralOptions, {"--top", "x"}),
               CLI::ConversionError);
}

}  // namespace
}  // namespace portlens::cli
