#include "registry/port_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace portlens::registry {
namespace {

using Ports = std::vector<std::uint16_t>;

const PortRegistry& registry() {
  static const PortRegistry kRegistry = PortRegistry::builtin();
  return kRegistry;
}

TEST(PortRegistry, LooksUpWellKnownServices) {
  EXPECT_EQ(registry().serviceName(22), "ssh");
  EXPECT_EQ(registry().serviceName(443), "https");
  EXPECT_EQ(registry().serviceName(80), "http");  // IANA's first-listed name, not www-http
  EXPECT_EQ(registry().serviceName(3306), "mysql");
  EXPECT_EQ(registry().serviceName(6379), "redis");
  EXPECT_EQ(registry().serviceName(11434), "ollama");  // only in the current package release
  const std::optional<ServiceEntry> https = registry().lookup(443);
  ASSERT_TRUE(https.has_value());
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->description, "http protocol over TLS/SSL");
}

TEST(PortRegistry, UnassignedPortsHaveNoEntry) {
  EXPECT_FALSE(registry().lookup(0).has_value());  // IANA: reserved
  EXPECT_FALSE(registry().lookup(4).has_value());  // IANA: unassigned
  EXPECT_EQ(registry().serviceName(4), "");
  EXPECT_TRUE(registry().namesFor(4).empty());
}

TEST(PortRegistry, KeepsEveryNameOfAPortPrimaryFirst) {
  EXPECT_EQ(registry().namesFor(80), (std::vector<std::string_view>{"http", "www", "www-http"}));
  EXPECT_EQ(registry().namesFor(443), (std::vector<std::string_view>{"https"}));
  const auto nfs = registry().namesFor(2049);
  EXPECT_NE(std::find(nfs.begin(), nfs.end(), "nfs"), nfs.end());
}

TEST(PortRegistry, FindsPortsByNameCaseInsensitively) {
  // IANA lists http only on 80; the alternates are registered as http-alt.
  EXPECT_EQ(registry().portsForName("http"), Ports{80});
  EXPECT_EQ(registry().portsForName("HTTP"), Ports{80});
  EXPECT_EQ(registry().portsForName("Https"), Ports{443});
  EXPECT_EQ(registry().portsForName("www"), Ports{80});  // an alias resolves too
  EXPECT_EQ(registry().portsForName("http-alt"), (Ports{591, 8008, 8080}));
  EXPECT_EQ(registry().portsForName("ssh"), Ports{22});
  EXPECT_EQ(registry().portsForName("nfs"), Ports{2049});
  EXPECT_TRUE(registry().portsForName("no-such-service").empty());
  EXPECT_TRUE(registry().portsForName("").empty());
}

TEST(PortRegistry, ExpandsIanaRangesSoEveryPortResolves) {
  Ports x11;
  for (std::uint16_t port = 6000; port <= 6063; ++port) x11.push_back(port);
  EXPECT_EQ(registry().portsForName("x11"), x11);
  EXPECT_EQ(registry().serviceName(6000), "x11");
  EXPECT_EQ(registry().serviceName(6063), "x11");
  EXPECT_NE(registry().serviceName(6064), "x11");
}

TEST(PortRegistry, ClassifiesRangesAtTheBoundaries) {
  EXPECT_EQ(rangeOf(0), PortRange::kWellKnown);
  EXPECT_EQ(rangeOf(1023), PortRange::kWellKnown);
  EXPECT_EQ(rangeOf(1024), PortRange::kRegistered);
  EXPECT_EQ(rangeOf(49151), PortRange::kRegistered);
  EXPECT_EQ(rangeOf(49152), PortRange::kDynamic);
  EXPECT_EQ(rangeOf(65535), PortRange::kDynamic);
  EXPECT_EQ(toString(PortRange::kWellKnown), "well-known");
  EXPECT_EQ(toString(PortRange::kRegistered), "registered");
  EXPECT_EQ(toString(PortRange::kDynamic), "dynamic");
}

TEST(PortRegistry, TopPortsAreUniqueAndStartWithHttp) {
  for (std::size_t n : {1u, 10u, 100u, 1000u, 65536u}) {
    const Ports top = registry().topPorts(n);
    ASSERT_EQ(top.size(), n);
    EXPECT_EQ(std::set<std::uint16_t>(top.begin(), top.end()).size(), n) << "n=" << n;
  }
  EXPECT_EQ(registry().topPorts(1), Ports{80});
  EXPECT_TRUE(registry().topPorts(0).empty());
  EXPECT_EQ(registry().rankingSource(), RankingSource::kBuiltin);
}

TEST(PortRegistry, TopPortsArePrefixStable) {
  const Ports top100 = registry().topPorts(100);
  const Ports top1000 = registry().topPorts(1000);
  EXPECT_TRUE(std::equal(top100.begin(), top100.end(), top1000.begin()));
}

TEST(PortRegistry, TopPortsCapAtEveryPortWithZeroLast) {
  const Ports all = registry().topPorts(70000);
  ASSERT_EQ(all.size(), 65536u);
  EXPECT_EQ(std::set<std::uint16_t>(all.begin(), all.end()).size(), 65536u);
  EXPECT_EQ(all.back(), 0);
  EXPECT_EQ(registry().rankOf(80), 1u);
  EXPECT_EQ(registry().rankOf(0), 65536u);
}

TEST(PortRegistry, FromTsvBuildsASmallRegistry) {
  const PortRegistry small = PortRegistry::fromTsv(
      "# test\n9\tdiscard\tDiscard\n7\techo\tEcho\n7\tEcho-Alias\tEcho again\n");
  EXPECT_EQ(small.serviceName(7), "echo");
  EXPECT_EQ(small.namesFor(7), (std::vector<std::string_view>{"echo", "Echo-Alias"}));
  EXPECT_EQ(small.portsForName("echo-alias"), Ports{7});
  EXPECT_EQ(small.topPorts(65536).size(), 65536u);
}

// The compiled-in registry comes from tables generated at build time; the same file parsed at
// run time must answer every question the same way.
TEST(PortRegistry, GeneratedTablesEqualTheDataFileParsedAtRunTime) {
  std::ifstream in(PORTLENS_IANA_TSV, std::ios::binary);
  ASSERT_TRUE(in) << PORTLENS_IANA_TSV;
  std::ostringstream text;
  text << in.rdbuf();
  const PortRegistry parsed = PortRegistry::fromTsv(text.str());
  EXPECT_EQ(registry().topPorts(65536), parsed.topPorts(65536));
  std::set<std::string> names;
  for (std::uint32_t port = 0; port <= 65535; ++port) {
    const auto p = static_cast<std::uint16_t>(port);
    const auto generated = registry().lookup(p);
    const auto runtime = parsed.lookup(p);
    ASSERT_EQ(generated.has_value(), runtime.has_value()) << port;
    if (generated) {
      EXPECT_EQ(generated->description, runtime->description) << port;
    }
    ASSERT_EQ(registry().namesFor(p), parsed.namesFor(p)) << port;
    for (std::string_view name : parsed.namesFor(p)) names.emplace(name);
  }
  ASSERT_GT(names.size(), 5000u);
  for (const std::string& name : names) {
    EXPECT_EQ(registry().portsForName(name), parsed.portsForName(name)) << name;
  }
}

TEST(PortRegistry, LoadsAnNmapRankingFromAFixture) {
  PortRegistry ranked = PortRegistry::builtin();
  ASSERT_TRUE(ranked.loadNmapRanking(PORTLENS_TEST_DATA_DIR "/nmap-services-sample"));
  EXPECT_EQ(ranked.rankingSource(), RankingSource::kNmap);
  // Frequency order; 7001/7002 tie and follow the built-in order; port 0 stays last.
  const auto curated_before = [](std::uint16_t a, std::uint16_t b) {
    return registry().rankOf(a) < registry().rankOf(b);
  };
  const Ports top = ranked.topPorts(5);
  EXPECT_EQ(top[0], 7000);
  EXPECT_EQ(top[1], curated_before(7001, 7002) ? 7001 : 7002);
  EXPECT_EQ(top[2], curated_before(7001, 7002) ? 7002 : 7001);
  EXPECT_EQ(top[3], 22);
  EXPECT_EQ(top[4], 7003);
  // Ports missing from the file follow in built-in order: 80 is the first of them.
  EXPECT_EQ(ranked.topPorts(6)[5], 80);
  EXPECT_EQ(ranked.topPorts(65536).back(), 0);
  EXPECT_EQ(ranked.topPorts(65536).size(), 65536u);
  // Lookups are unchanged.
  EXPECT_EQ(ranked.serviceName(443), "https");
}

TEST(PortRegistry, KeepsTheBuiltinRankingWhenNmapFileIsMissingOrForeign) {
  PortRegistry ranked = PortRegistry::builtin();
  EXPECT_FALSE(ranked.loadNmapRanking(PORTLENS_TEST_DATA_DIR "/does-not-exist"));
  EXPECT_FALSE(ranked.loadNmapRanking(PORTLENS_TEST_DATA_DIR));  // a directory
  EXPECT_EQ(ranked.rankingSource(), RankingSource::kBuiltin);
  EXPECT_EQ(ranked.topPorts(1000), registry().topPorts(1000));
}

TEST(PortRegistry, LoadsTheInstalledNmapServicesWhenPresent) {
  const std::string path = "/usr/share/nmap/nmap-services";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "nmap not installed";
  PortRegistry ranked = PortRegistry::builtin();
  ASSERT_TRUE(ranked.loadNmapRanking(path));
  const Ports all = ranked.topPorts(65536);
  EXPECT_EQ(std::set<std::uint16_t>(all.begin(), all.end()).size(), 65536u);
  EXPECT_EQ(all.back(), 0);
  const Ports top = ranked.topPorts(20);
  EXPECT_NE(std::find(top.begin(), top.end(), 80), top.end());  // http is near the top
}

}  // namespace
}  // namespace portlens::registry
