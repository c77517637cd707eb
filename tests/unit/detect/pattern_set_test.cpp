#include "detect/pattern_set.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "detect/probe_parser.h"
#include "detect/service_match.h"

namespace portlens::detect {
namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

TEST(PatternSet, BinarySubjectsWithNul) {
  auto db = parseProbeDatabase("Probe TCP NULL q||\nmatch x m|^\\0\\x01(..)\\0$|s\n", "f");
  PatternSet patterns(db);
  ASSERT_TRUE(patterns.failures().empty());
  MatchScratch scratch(patterns);
  CaptureView captures;
  std::string subject("\0\x01\n\0\0", 5);
  ASSERT_EQ(runPattern(patterns, 0, 0, subject, scratch, captures), PatternOutcome::kMatch);
  EXPECT_EQ(captures.group(1), std::string_view("\n\0", 2));
  EXPECT_EQ(runPattern(patterns, 0, 0, std::string_view(), scratch, captures),
            PatternOutcome::kNoMatch);
}

TEST(PatternSet, CaselessAndDotallOptions) {
  auto db = parseProbeDatabase(
      "Probe TCP NULL q||\nmatch a m/^ab.c$/i\nmatch b m/^ab.c$/s\nmatch c m/^ab.c$/\n", "f");
  PatternSet patterns(db);
  MatchScratch scratch(patterns);
  CaptureView captures;
  EXPECT_EQ(runPattern(patterns, 0, 0, "AB-C", scratch, captures), PatternOutcome::kMatch);
  EXPECT_EQ(runPattern(patterns, 0, 2, "AB-C", scratch, captures), PatternOutcome::kNoMatch);
  EXPECT_EQ(runPattern(patterns, 0, 1, "ab\nc", scratch, captures), PatternOutcome::kMatch);
  EXPECT_EQ(runPattern(patterns, 0, 2, "ab\nc", scratch, captures), PatternOutcome::kNoMatch);
}

TEST(PatternSet, BadPatternIsReportedAndNeverMatches) {
  auto db = parseProbeDatabase("Probe TCP NULL q||\nmatch a m/(unclosed/\nmatch b m/ok/\n", "f");
  PatternSet patterns(db);
  ASSERT_EQ(patterns.failures().size(), 1u);
  EXPECT_EQ(patterns.failures()[0].line, 2);
  EXPECT_NE(patterns.failures()[0].message.find("missing closing parenthesis"), std::string::npos);
  MatchScratch scratch(patterns);
  CaptureView captures;
  EXPECT_EQ(runPattern(patterns, 0, 0, "(unclosed", scratch, captures), PatternOutcome::kUnusable);
  EXPECT_EQ(runPattern(patterns, 0, 1, "ok", scratch, captures), PatternOutcome::kMatch);
}

// A hostile banner against a pattern with catastrophic backtracking: the match limit stops it
// in milliseconds (without it, (a+)+$ over 40 'a's and a '!' takes about 2^40 steps).
TEST(PatternSet, RunawayPatternHitsTheLimit) {
  auto db = parseProbeDatabase(
      "Probe TCP NULL q||\nmatch evil m/^(a+)+$/\nmatch evil2 m/^(\\w+\\s?)*$/\n", "f");
  PatternSet patterns(db);
  ASSERT_TRUE(patterns.failures().empty());
  MatchScratch scratch(patterns);
  CaptureView captures;
  std::string banner = std::string(40, 'a') + "!";
  auto start = Clock::now();
  EXPECT_EQ(runPattern(patterns, 0, 0, banner, scratch, captures), PatternOutcome::kLimitHit);
  EXPECT_EQ(runPattern(patterns, 0, 1, banner, scratch, captures), PatternOutcome::kLimitHit);
  EXPECT_LT(millisecondsSince(start), 1000.0);
  // The scratch is still usable afterwards.
  EXPECT_EQ(runPattern(patterns, 0, 0, "aaa", scratch, captures), PatternOutcome::kMatch);
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every pattern of nmap's file (Debian nmap-common, read when installed, never copied) must
// compile and JIT-compile with the system's PCRE2; prints compile time and match throughput.
TEST(PatternSet, CompilesNmapsWholeFileWhenInstalled) {
  const std::filesystem::path path = "/usr/share/nmap/nmap-service-probes";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not installed";
  auto db = parseProbeDatabase(readFile(path), path.string());
  auto start = Clock::now();
  PatternSet patterns(db);
  double compile_ms = millisecondsSince(start);
  for (const auto& failure : patterns.failures()) {
    ADD_FAILURE() << path.string() << ":" << failure.line << ": " << failure.message;
  }
  std::printf("nmap-service-probes: %zu patterns compiled, %zu JIT, %zu without JIT, in %.1f ms\n",
              patterns.stats().compiled, patterns.stats().jit_compiled, patterns.stats().jit_failed,
              compile_ms);
  EXPECT_EQ(patterns.stats().jit_failed, 0u);

  // Throughput: an OpenSSH banner against the NULL probe's rules and its fallbacks, the
  // worst realistic case (the banner is matched late in a long list).
  MatchScratch scratch(patterns);
  const std::string banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
  const std::string http =
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n<html>";
  auto get = db.findProbe("GetRequest", Protocol::kTcp);
  ASSERT_TRUE(get.has_value());
  constexpr int kRounds = 200;
  start = Clock::now();
  std::optional<ServiceMatch> ssh, web;
  for (int i = 0; i < kRounds; ++i) {
    ssh = matchResponse(db, patterns, scratch, *db.null_probe, banner);
    web = matchResponse(db, patterns, scratch, *get, http);
  }
  double per_pair_us = millisecondsSince(start) * 1000.0 / kRounds;
  ASSERT_TRUE(ssh && web);
  EXPECT_EQ(ssh->service, "ssh");
  EXPECT_EQ(ssh->product, "OpenSSH");
  EXPECT_EQ(ssh->version, "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(web->service, "http");
  EXPECT_EQ(web->product, "nginx");
  EXPECT_EQ(web->version, "1.22.1");
  std::printf("match: ssh banner + nginx answer against nmap's rules: %.1f us per pair\n",
              per_pair_us);

  // The worst case the detector allows: a 32 KiB hostile answer to GetRequest.
  std::string junk;
  for (int i = 0; junk.size() < 32 * 1024; ++i) junk += "HTTP/1.1 200 OK\r\nX-" + std::to_string(i);
  start = Clock::now();
  auto none = matchResponse(db, patterns, scratch, *get, junk);
  std::printf("match: 32 KiB hostile answer against nmap's GetRequest chain: %.1f ms (%s)\n",
              millisecondsSince(start), none ? none->service.c_str() : "no match");
}

}  // namespace
}  // namespace portlens::detect
