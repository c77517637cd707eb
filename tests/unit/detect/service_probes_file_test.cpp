// data/service-probes, our own probe file, against answers recorded from the protocols'
// documented layouts (tests/data/detect/make_samples.py writes them and samples.tsv).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "detect/pattern_set.h"
#include "detect/probe_parser.h"
#include "detect/service_match.h"

namespace portlens::detect {
namespace {

using Clock = std::chrono::steady_clock;

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Sample {
  std::string file, probe, service, kind, product, version, info;
};

std::vector<Sample> loadSamples() {
  std::istringstream lines(readFile(std::filesystem::path(PORTLENS_TEST_DATA_DIR) / "samples.tsv"));
  std::vector<Sample> out;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t pos = 0;
    while (true) {
      std::size_t tab = line.find('\t', pos);
      std::string col = line.substr(pos, tab == std::string::npos ? tab : tab - pos);
      cols.push_back(col == "-" ? "" : col);
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    if (cols.size() != 7) throw std::runtime_error("bad samples.tsv line: " + line);
    out.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]});
  }
  return out;
}

class ServiceProbesFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string text = readFile(PORTLENS_PROBE_FILE);
    auto start = Clock::now();
    db_ = new ProbeDatabase(parseProbeDatabase(text, "data/service-probes"));
    auto parsed = Clock::now();
    patterns_ = new PatternSet(*db_);
    auto compiled = Clock::now();
    std::printf(
        "data/service-probes: %zu probes, %zu matches; parse %.2f ms, compile+JIT %.2f ms\n",
        db_->probes.size(), db_->matchCount(),
        std::chrono::duration<double, std::milli>(parsed - start).count(),
        std::chrono::duration<double, std::milli>(compiled - parsed).count());
  }
  static void TearDownTestSuite() {
    delete patterns_;
    delete db_;
  }
  static ProbeDatabase* db_;
  static PatternSet* patterns_;
};

ProbeDatabase* ServiceProbesFile::db_ = nullptr;
PatternSet* ServiceProbesFile::patterns_ = nullptr;

TEST_F(ServiceProbesFile, EveryPatternCompilesWithJit) {
  for (const auto& failure : patterns_->failures()) {
    ADD_FAILURE() << "data/service-probes:" << failure.line << ": " << failure.message;
  }
  EXPECT_EQ(patterns_->stats().jit_failed, 0u);
  ASSERT_TRUE(db_->null_probe.has_value());
}

TEST_F(ServiceProbesFile, CoversTheServicesOfTheIssue) {
  std::set<std::string> services;
  for (const auto& probe : db_->probes) {
    for (const auto& rule : probe.matches) services.insert(rule.service);
  }
  for (const char* name :
       {"ssh",    "http",  "ssl",           "ftp",          "smtp",      "pop3",    "imap",
        "telnet", "mysql", "postgresql",    "redis",        "memcached", "mongodb", "mqtt",
        "amqp",   "ldap",  "ms-wbt-server", "microsoft-ds", "vnc",       "docker"}) {
    EXPECT_TRUE(services.count(name)) << name;
  }
}

TEST_F(ServiceProbesFile, RecordedAnswersAreNamed) {
  auto samples = loadSamples();
  ASSERT_GT(samples.size(), 30u);
  MatchScratch scratch(*patterns_);
  const auto dir = std::filesystem::path(PORTLENS_TEST_DATA_DIR) / "responses";
  for (const auto& s : samples) {
    SCOPED_TRACE(s.file);
    auto probe = db_->findProbe(s.probe, Protocol::kTcp);
    ASSERT_TRUE(probe.has_value()) << s.probe;
    auto found = matchResponse(*db_, *patterns_, scratch, *probe, readFile(dir / s.file));
    if (s.service == "NOMATCH") {
      EXPECT_FALSE(found.has_value()) << found->service << " from line " << found->line;
      continue;
    }
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->service, s.service) << "line " << found->line;
    EXPECT_EQ(found->soft ? "soft" : "hard", s.kind) << "line " << found->line;
    EXPECT_EQ(found->product, s.product) << "line " << found->line;
    EXPECT_EQ(found->version, s.version) << "line " << found->line;
    EXPECT_EQ(found->info, s.info) << "line " << found->line;
  }
}

TEST_F(ServiceProbesFile, CpeNamesOfTheDebianDaemons) {
  MatchScratch scratch(*patterns_);
  auto ssh = matchResponse(*db_, *patterns_, scratch, *db_->null_probe,
                           "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
  ASSERT_TRUE(ssh);
  EXPECT_EQ(ssh->cpes, (std::vector<std::string>{"cpe:/a:openbsd:openssh:9.2p1",
                                                 "cpe:/o:linux:linux_kernel"}));
  EXPECT_EQ(ssh->ostype, "Linux");
  auto get = db_->findProbe("GetRequest", Protocol::kTcp);
  auto web = matchResponse(*db_, *patterns_, scratch, *get,
                           "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->cpes, (std::vector<std::string>{"cpe:/a:igor_sysoev:nginx:1.22.1"}));
}

// Throughput of the whole sample set (each answer matched against its probe's chain).
TEST_F(ServiceProbesFile, MatchThroughput) {
  auto samples = loadSamples();
  const auto dir = std::filesystem::path(PORTLENS_TEST_DATA_DIR) / "responses";
  std::vector<std::pair<std::size_t, std::string>> inputs;
  for (const auto& s : samples) {
    inputs.emplace_back(*db_->findProbe(s.probe, Protocol::kTcp), readFile(dir / s.file));
  }
  MatchScratch scratch(*patterns_);
  constexpr int kRounds = 200;
  std::size_t matched = 0;
  auto start = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    for (const auto& [probe, bytes] : inputs) {
      matched += matchResponse(*db_, *patterns_, scratch, probe, bytes).has_value();
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("data/service-probes: %.0f answers matched per second (%zu answers x %d)\n",
              static_cast<double>(inputs.size()) * kRounds / seconds, inputs.size(), kRounds);
  EXPECT_GT(matched, 0u);
}

}  // namespace
}  // namespace portlens::detect
