#include "results/result_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace portlens::results {
namespace {

using ::testing::HasSubstr;
using S = scan::PortState;

std::string readFixture(const char* name) {
  std::ifstream in(std::string(PORTLENS_RESULTS_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const scan::PortRecord* find(const ScanResult& result, const char* ip, std::uint16_t port) {
  for (const auto& record : result.ports) {
    if (record.ip.toString() == ip && record.port == port) return &record;
  }
  return nullptr;
}

TEST(ResultReader, NmapXmlWithServiceDetection) {
  const ScanResult result = readScanResult(readFixture("nmap_sv.xml"), "nmap_sv.xml");
  EXPECT_EQ(result.format, ResultFormat::kXml);
  EXPECT_TRUE(result.service_detection);
  EXPECT_EQ(result.ports.size(), 13u);
  const auto* ssh = find(result, "127.0.0.1", 2222);
  ASSERT_NE(ssh, nullptr);
  EXPECT_EQ(ssh->state, S::kOpen);
  EXPECT_EQ(ssh->reason, scan::Reason::kSynAck);
  ASSERT_NE(ssh->service, nullptr);
  EXPECT_EQ(ssh->service->name, "ssh");
  EXPECT_EQ(ssh->service->product, "OpenSSH");
  EXPECT_EQ(ssh->service->version, "9.2p1 Debian 2");
  EXPECT_EQ(ssh->service->method, scan::ServiceMethod::kProbed);
  EXPECT_EQ(ssh->service->cpe.size(), 2u);
  const auto* ftp = find(result, "127.0.0.1", 21);
  ASSERT_NE(ftp, nullptr);
  EXPECT_EQ(ftp->state, S::kClosed);
  EXPECT_EQ(ftp->reason, scan::Reason::kReset);
  EXPECT_EQ(ftp->service, nullptr);  // method="table": the port table's guess, no detection
}

TEST(ResultReader, NmapExtraportsAreExpandedFromScaninfo) {
  const ScanResult result = readScanResult(readFixture("nmap_extraports.xml"), "x.xml");
  EXPECT_FALSE(result.service_detection);
  EXPECT_EQ(result.ports.size(), 102u);  // 1-100 closed, 2222 and 8080 open
  ASSERT_NE(find(result, "127.0.0.1", 57), nullptr);
  EXPECT_EQ(find(result, "127.0.0.1", 57)->state, S::kClosed);
  EXPECT_EQ(find(result, "127.0.0.1", 57)->reason, scan::Reason::kReset);
  EXPECT_EQ(find(result, "127.0.0.1", 8080)->state, S::kOpen);
  EXPECT_EQ(find(result, "127.0.0.1", 101), nullptr);  // not scanned
}

// Written by hand in `portlens scan --format ndjson`'s shape: two hosts, -sV on.

TEST(ResultReader, NdjsonWithCountsExpandsTheOneUnlistedState) {
  const ScanResult result = readScanResult(readFixture("two_hosts.ndjson"), "a.ndjson");
  EXPECT_EQ(result.format, ResultFormat::kNdjson);
  EXPECT_TRUE(result.service_detection);
  // Host 1: 443 open listed, 22 and 80 closed (the counts say 2 closed, none listed).
  // Host 2: 22 listed filtered; 80 and 443 are one closed and one filtered: not expanded.
  ASSERT_EQ(result.ports.size(), 4u);
  const auto* https = find(result, "198.19.0.7", 443);
  ASSERT_NE(https, nullptr);
  EXPECT_EQ(https->hostname, "web");
  ASSERT_NE(https->service, nullptr);
  EXPECT_TRUE(https->service->ssl_tunnel);
  EXPECT_EQ(https->service->version, "1.22.1");
  EXPECT_EQ(find(result, "198.19.0.7", 80)->state, S::kClosed);
  EXPECT_EQ(find(result, "198.19.0.7", 80)->hostname, "web");
  EXPECT_EQ(find(result, "2001:2::7", 22)->state, S::kFiltered);
  EXPECT_EQ(find(result, "2001:2::7", 80), nullptr);
  ASSERT_EQ(result.hosts.size(), 2u);
  EXPECT_EQ(result.hosts[1].counts.filtered, 2u);
}

TEST(ResultReader, JsonDocument) {
  const std::string json = R"({"scan":{"ports":"22,80","service_detection":false},
"hosts":[
{"ip":"198.19.0.8","counts":{"open":1,"closed":1,"filtered":0},
 "ports":[{"port":22,"proto":"tcp","state":"open","reason":"syn-ack","service":"ssh"}]}
],
"summary":{}})";
  const ScanResult result = readScanResult(json, "a.json");
  EXPECT_EQ(result.format, ResultFormat::kJson);
  ASSERT_EQ(result.ports.size(), 2u);
  EXPECT_EQ(result.ports[0].port, 22);
  EXPECT_EQ(result.ports[0].service, nullptr);  // the port table's name is no detection
  EXPECT_EQ(result.ports[1].port, 80);
  EXPECT_EQ(result.ports[1].state, S::kClosed);
}

TEST(ResultReader, LaterRecordOfAPortWins) {
  const ScanResult result = readScanResult(
      R"({"type":"port","ip":"198.19.0.7","port":22,"state":"closed"}
{"type":"port","ip":"198.19.0.7","port":22,"state":"open"})",
      "a.ndjson");
  ASSERT_EQ(result.ports.size(), 1u);
  EXPECT_EQ(result.ports[0].state, S::kOpen);
  EXPECT_EQ(result.ports[0].reason, scan::Reason::kSynAck);
}

TEST(ResultReader, ErrorsNameTheSource) {
  struct Case {
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"", "f: empty"},
      {"hello", "f: not a scan result"},
      {"{\"type\":\"port\",\"ip\":\"198.19.0.7\",\"port\":1,\"state\":\"open\"}\n{oops\n",
       "f: line 2: not a JSON object"},
      {"{\"type\":\"port\",\"ip\":\"300.1.1.1\",\"port\":1,\"state\":\"open\"}\n",
       "f: line 1: record without a valid \"ip\""},
      {"{\"type\":\"port\",\"ip\":\"198.19.0.7\",\"port\":65536,\"state\":\"open\"}\n",
       "f: line 1: port record without a valid \"port\""},
      {"{\"type\":\"port\",\"ip\":\"198.19.0.7\",\"port\":1,\"state\":\"ajar\"}\n",
       "f: line 1: port record without a valid \"state\""},
      {"<nmaprun>\n<host>\n</nmaprun>", "f: line 3:"},
      {"<other/>", "no <nmaprun>"},
      {[]() {
         std::string s;
         for (int i = 0; i < 100; ++i) s += "<a>";
         return s;
       }(),
       "nested deeper"},
      {"<nmaprun>" +
           []() {
             std::string s;
             for (int i = 0; i < 100; ++i) s += "<a x='/>'>";
             return s;
           }(),
       "nested deeper"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 60));
    try {
      readScanResult(c.text, "f");
      ADD_FAILURE() << "accepted";
    } catch (const ResultError& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.message));
    }
  }
}

TEST(ResultReader, MergeKeepsTheLastFilesRecord) {
  ScanResult a = readScanResult(readFixture("nmap_sv.xml"), "a.xml");
  ScanResult b =
      readScanResult(R"({"type":"port","ip":"127.0.0.1","port":22,"state":"open"})", "b.ndjson");
  const ScanResult merged = mergeResults({std::move(a), std::move(b)});
  EXPECT_EQ(merged.ports.size(), 13u);
  EXPECT_EQ(find(merged, "127.0.0.1", 22)->state, S::kOpen);
  EXPECT_TRUE(merged.service_detection);
}

}  // namespace
}  // namespace portlens::results
