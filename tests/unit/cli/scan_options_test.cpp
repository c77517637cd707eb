// The request `portlens scan` builds from its options: what reaches the launcher, and the
// option named in every refusal.
#include "cli/scan_options.h"

#include <gtest/gtest.h>

#include "cli/app.h"
#include "core/error.h"
#include "parse_options.h"

namespace portlens::cli {
namespace {

std::string usageErrorOf(const ScanOptions& options, scan::ScanType type) {
  return testing::usageErrorOf([&] { makeScanRequest(options, type); });
}

TEST(ScanRequestFromOptions, CarriesTheSynOptions) {
  ScanOptions options;
  options.seed = 42;
  options.shard = "2/3";
  options.source_ips = {"198.18.0.1", "2001:2::1"};
  options.router_mac = "02:00:00:00:00:01";
  options.interface = "veth0";
  options.source_port = 40000;
  options.rate = 1000;
  const scan::ScanRequest request = makeScanRequest(options, scan::ScanType::kSyn);
  EXPECT_EQ(request.type, scan::ScanType::kSyn);
  EXPECT_EQ(request.seed, 42u);
  EXPECT_EQ(request.shard.index, 2u);
  EXPECT_EQ(request.shard.count, 3u);
  EXPECT_EQ(request.route_overrides.interface, "veth0");
  ASSERT_TRUE(request.route_overrides.source_ipv4);
  EXPECT_EQ(request.route_overrides.source_ipv4->toString(), "198.18.0.1");
  ASSERT_TRUE(request.route_overrides.source_ipv6);
  EXPECT_EQ(request.route_overrides.source_ipv6->toString(), "2001:2::1");
  ASSERT_TRUE(request.route_overrides.router_mac);
  EXPECT_EQ((*request.route_overrides.router_mac)[5], 1);
  EXPECT_EQ(request.source_port, 40000);
  EXPECT_EQ(request.rate, 1000);
  EXPECT_FALSE(request.max_retries);  // unset: the launcher's default for SYN
}

TEST(ScanRequestFromOptions, ConnectScansKeepTheirIoAndTimings) {
  ScanOptions options;
  options.io = "epoll";
  options.min_rtt_timeout_ms = 5;
  options.max_rtt_timeout_ms = 500;
  options.initial_rtt_timeout_ms = 250;
  options.max_retries = 2;
  options.max_parallel = 64;
  const scan::ScanRequest request = makeScanRequest(options, scan::ScanType::kConnect);
  EXPECT_EQ(request.io, scan::ConnectIo::kEpoll);
  EXPECT_EQ(request.rtt.floor, std::chrono::milliseconds(5));
  EXPECT_EQ(request.rtt.ceiling, std::chrono::milliseconds(500));
  EXPECT_EQ(request.rtt.initial, std::chrono::milliseconds(250));
  EXPECT_EQ(request.max_retries, 2u);
  EXPECT_EQ(request.max_parallel, 64u);
  options.io = "uring";
  EXPECT_EQ(makeScanRequest(options, scan::ScanType::kConnect).io, scan::ConnectIo::kUring);
  options.io = "auto";
  EXPECT_EQ(makeScanRequest(options, scan::ScanType::kConnect).io, scan::ConnectIo::kAuto);
}

TEST(ScanRequestFromOptions, SeedsDifferWhenNotGiven) {
  const ScanOptions options;
  EXPECT_NE(makeScanRequest(options, scan::ScanType::kConnect).seed,
            makeScanRequest(options, scan::ScanType::kConnect).seed);
}

TEST(ScanRequestFromOptions, RefusalsNameTheOption) {
  ScanOptions options;
  options.shard = "4/3";
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kSyn).find("--shard '4/3'"), std::string::npos);
  options = {};
  options.source_ips = {"198.18.0.300"};
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kSyn).find("--source-ip"), std::string::npos);
  options = {};
  options.source_ips = {"198.18.0.1", "198.18.0.2"};
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kSyn).find("twice"), std::string::npos);
  options = {};
  options.router_mac = "02:00";
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kSyn).find("--router-mac"), std::string::npos);
  options = {};
  options.max_retries = 16;
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kSyn).find("--max-retries must be at most 15"),
            std::string::npos);
  EXPECT_EQ(usageErrorOf(options, scan::ScanType::kConnect), "");
  options = {};
  options.min_rtt_timeout_ms = 0;
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kConnect).find("--min-rtt-timeout"),
            std::string::npos);
  options = {};
  options.min_rtt_timeout_ms = 900;
  options.max_rtt_timeout_ms = 100;
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kConnect).find("above --max-rtt-timeout"),
            std::string::npos);
  options = {};
  options.rate = -5;
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kConnect).find("--rate"), std::string::npos);
}

TEST(ScanRequestFromOptions, ServiceDetectionAndItsKnobs) {
  ScanOptions options;
  EXPECT_FALSE(makeScanRequest(options, scan::ScanType::kConnect).service_detection);
  options.service_detection = true;
  auto request = makeScanRequest(options, scan::ScanType::kConnect);
  ASSERT_TRUE(request.service_detection);
  EXPECT_EQ(request.service_detection->intensity, 7);
  EXPECT_EQ(request.service_detection->probe_file, "");
  options.version_light = true;
  EXPECT_EQ(makeScanRequest(options, scan::ScanType::kSyn).service_detection->intensity, 2);
  options.version_light = false;
  options.version_all = true;
  options.service_probes = "/tmp/probes";
  request = makeScanRequest(options, scan::ScanType::kConnect);
  EXPECT_EQ(request.service_detection->intensity, 9);
  EXPECT_EQ(request.service_detection->probe_file, "/tmp/probes");
  options.version_all = false;
  options.version_intensity = 0;
  EXPECT_EQ(makeScanRequest(options, scan::ScanType::kConnect).service_detection->intensity, 0);
}

TEST(ScanRequestFromOptions, ServiceDetectionRefusals) {
  ScanOptions options;
  options.version_intensity = 3;
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kConnect).find("need -sV"), std::string::npos);
  options = {};
  options.service_probes = "probes";
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kConnect).find("need -sV"), std::string::npos);
  options = {};
  options.service_detection = true;
  options.version_intensity = 10;
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kConnect).find("between 0 and 9"),
            std::string::npos);
  options.version_intensity = 5;
  options.version_all = true;
  EXPECT_NE(usageErrorOf(options, scan::ScanType::kConnect).find("exclude each other"),
            std::string::npos);
}

TEST(NmapOptions, OnlyTheExactTwoLetterSpellingsAreRewritten) {
  std::vector<std::string> words = {"portlens", "scan", "-sV", "-iL", "hosts", "-sv", "-s", "V"};
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  EXPECT_EQ(normalizeNmapOptions(static_cast<int>(argv.size()), argv.data()),
            (std::vector<std::string>{"scan", "--service-detection", "--input-list", "hosts", "-sv",
                                      "-s", "V"}));
}

TEST(ScanRequestFromOptions, ConnectScansIgnoreSynOnlyParsing) {
  // The command refuses SYN-only options for connect scans before building the request; the
  // request itself never carries them.
  ScanOptions options;
  options.shard = "1/2";
  const scan::ScanRequest request = makeScanRequest(options, scan::ScanType::kConnect);
  EXPECT_EQ(request.shard.count, 1u);
}

}  // namespace
}  // namespace portlens::cli
