#include "detect/probe_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace portlens::detect {
namespace {

std::string parseError(std::string_view text) {
  try {
    parseProbeDatabase(text, "probes.txt");
  } catch (const core::UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ProbeParser, ProbeStringEscapes) {
  auto db = parseProbeDatabase(
      "# comment\n\nProbe TCP Bin q|\\0\\00\\r\\n\\t\\x41\\xfF\\\\\\a\\b\\f\\v|\n"
      "Probe UDP Other q=a|b= no-payload\n",
      "f");
  ASSERT_EQ(db.probes.size(), 2u);
  EXPECT_EQ(db.probes[0].payload, std::string("\0\0"
                                              "0\r\n\tA\xff\\\a\b\f\v",
                                              13));
  EXPECT_EQ(db.probes[0].protocol, Protocol::kTcp);
  EXPECT_EQ(db.probes[1].payload, "a|b");
  EXPECT_EQ(db.probes[1].protocol, Protocol::kUdp);
  EXPECT_TRUE(db.probes[1].no_payload);
}

TEST(ProbeParser, DirectivesOfAProbeSection) {
  auto db = parseProbeDatabase(
      "Exclude 53,T:9100-9107,U:30000-40000\n"
      "Probe TCP NULL q||\n"
      "totalwaitms 6000\n"
      "tcpwrappedms 3000\n"
      "match ftp m/^220 (\\S+) FTP/i p/Example FTP/ v/$1/ cpe:/a:example:ftp:$1/a\n"
      "softmatch ftp m|^220 |s\n"
      "Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
      "rarity 1\n"
      "ports 80,8000-8010\n"
      "sslports 443\n"
      "fallback Later\n"
      "Probe TCP Later q|x|\n",
      "f");
  EXPECT_TRUE(db.exclude_tcp.contains(53));
  EXPECT_TRUE(db.exclude_udp.contains(53));
  EXPECT_TRUE(db.exclude_tcp.contains(9105));
  EXPECT_FALSE(db.exclude_udp.contains(9105));
  EXPECT_TRUE(db.exclude_udp.contains(35000));
  EXPECT_FALSE(db.exclude_tcp.contains(35000));
  ASSERT_EQ(db.null_probe, 0u);
  const Probe& null = db.probes[0];
  EXPECT_TRUE(null.isNull());
  EXPECT_EQ(null.total_wait_ms, 6000);
  EXPECT_EQ(null.tcp_wrapped_ms, 3000);
  ASSERT_EQ(null.matches.size(), 2u);
  const MatchRule& hard = null.matches[0];
  EXPECT_FALSE(hard.soft);
  EXPECT_EQ(hard.service, "ftp");
  EXPECT_EQ(hard.pattern, "^220 (\\S+) FTP");
  EXPECT_TRUE(hard.caseless);
  EXPECT_FALSE(hard.dotall);
  EXPECT_EQ(hard.line, 5);
  EXPECT_FALSE(hard.version_info.product.empty());
  EXPECT_EQ(hard.version_info.cpes.size(), 1u);
  EXPECT_TRUE(null.matches[1].soft);
  EXPECT_TRUE(null.matches[1].dotall);
  const Probe& get = db.probes[1];
  EXPECT_EQ(get.rarity, 1);
  EXPECT_TRUE(get.ports.contains(8005));
  EXPECT_FALSE(get.ports.contains(443));
  EXPECT_TRUE(get.ssl_ports.contains(443));
  EXPECT_EQ(get.fallbacks, (std::vector<std::size_t>{2, 0}));  // named one, then NULL
  EXPECT_EQ(db.probes[2].fallbacks, (std::vector<std::size_t>{0}));
  EXPECT_TRUE(null.fallbacks.empty());
  EXPECT_EQ(get.rarity, 1);
  EXPECT_EQ(db.probes[2].rarity, kDefaultRarity);
}

TEST(ProbeParser, AnyDelimiterForVersionFields) {
  auto db = parseProbeDatabase(
      "Probe TCP NULL q||\n"
      "match x m=^a(b)= p|Pipe/Slash| v(1.0( i/info/ h,host, o/Linux/ d@router@ "
      "cpe:|a:x:y| cpe:/o:linux:linux_kernel/a\n",
      "f");
  const auto& info = db.probes[0].matches[0].version_info;
  EXPECT_EQ(info.product.pieces.at(0).text, "Pipe/Slash");
  EXPECT_EQ(info.version.pieces.at(0).text, "1.0");
  EXPECT_EQ(info.hostname.pieces.at(0).text, "host");
  EXPECT_EQ(info.devicetype.pieces.at(0).text, "router");
  ASSERT_EQ(info.cpes.size(), 2u);
}

TEST(ProbeParser, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(parseError("match x m/a/\n"), "probes.txt:1:1: 'match' before the first Probe");
  EXPECT_EQ(parseError("Probe TCP A q|a|\nProbe TCP B q|\\q|\n"),
            "probes.txt:2:15: unknown escape '\\q' in a probe string");
  EXPECT_EQ(parseError("Probe SCTP A q||\n"),
            "probes.txt:1:7: probe protocol must be TCP or UDP, not 'SCTP'");
  EXPECT_EQ(parseError("Probe TCP A q|abc\n"),
            "probes.txt:1:14: probe string opened with '|' is not closed on this line");
  EXPECT_EQ(parseError("Probe TCP A q||\nmatch x m/a/x\n"),
            "probes.txt:2:13: unknown pattern option 'x' (only i and s)");
  EXPECT_EQ(parseError("Probe TCP A q||\nmatch x m/a/ z/b/\n"),
            "probes.txt:2:14: unknown version field starting with 'z'");
  EXPECT_EQ(parseError("Probe TCP A q||\nmatch x m/a/ p/a/ p/b/\n"),
            "probes.txt:2:19: version field 'p' given twice");
  EXPECT_EQ(parseError("Probe TCP A q||\nmatch x m/a/ v/$SUBST(1,\"_\"/\n"),
            "probes.txt:2:28: expected ',' in a version helper");
  EXPECT_EQ(parseError("Probe TCP A q||\nrarity 10\n"), "probes.txt:2:8: bad rarity '10'");
  EXPECT_EQ(parseError("Probe TCP A q||\nports 80-70\n"),
            "probes.txt:2:7: empty port range '80-70'");
  EXPECT_EQ(parseError("Probe TCP A q||\nfallback Nope\n"),
            "probes.txt:2:1: fallback names unknown probe 'Nope'");
  EXPECT_EQ(parseError("Probe TCP A q||\nProbe TCP A q|x|\n"),
            "probes.txt:2:1: probe 'A' is defined twice");
  EXPECT_EQ(parseError("Probe TCP A q||\nbogus 1\n"), "probes.txt:2:1: unknown directive 'bogus'");
  EXPECT_EQ(parseError("Probe TCP A q||\nmatch x m/a/ p/a/b\n"),
            "probes.txt:2:18: unexpected text after the version field");
}

TEST(ProbeParser, CrLfLineEndingsAreAccepted) {
  auto db = parseProbeDatabase("Probe TCP NULL q||\r\nmatch a m/b/ p/c/\r\n", "f");
  EXPECT_EQ(db.probes[0].matches[0].version_info.product.pieces.at(0).text, "c");
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// nmap's own file (Debian nmap-common) is read from the system when installed: it is the
// largest real input of the format. It is never copied into the repository (NPSL).
TEST(ProbeParser, ParsesNmapsFileWhenInstalled) {
  const std::filesystem::path path = "/usr/share/nmap/nmap-service-probes";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not installed";
  std::string text = readFile(path);
  auto start = std::chrono::steady_clock::now();
  auto db = parseProbeDatabase(text, path.string());
  auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  std::printf("nmap-service-probes: %zu probes, %zu matches, parsed in %.1f ms\n", db.probes.size(),
              db.matchCount(), elapsed.count());
  EXPECT_GT(db.probes.size(), 100u);
  EXPECT_GT(db.matchCount(), 10000u);
  ASSERT_TRUE(db.null_probe.has_value());
  EXPECT_TRUE(db.exclude_tcp.contains(9100));
}

}  // namespace
}  // namespace portlens::detect
