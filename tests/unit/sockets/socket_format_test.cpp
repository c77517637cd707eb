#include "sockets/socket_format.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sockets/socket_json.h"
#include "test_records.h"

namespace portlens::sockets {
namespace {

using testing::record;

const registry::PortRegistry& ports() {
  static const registry::PortRegistry registry = registry::PortRegistry::builtin();
  return registry;
}

std::vector<SocketRecord> sample() {
  std::vector<SocketRecord> records{
      record(TcpState::kListen, "0.0.0.0", 22, "0.0.0.0", 0, 100),
      record(TcpState::kEstablished, "::1", 50000, "::1", 443, 101),
  };
  records[0].send_q = 128;
  records[0].processes.push_back({812, 3, "sshd", "/usr/sbin/sshd -D"});
  records[1].processes.push_back({900, 7, "cu\"rl\x01", "curl \xff https://x"});
  return records;
}

std::string format(SocketFormat format, bool processes) {
  std::string out;
  formatSockets(sample(), {format, processes, true, nullptr}, ports(), {"a note"}, out);
  return out;
}

TEST(SocketFormat, ParsesNames) {
  EXPECT_EQ(parseSocketFormat("ndjson"), SocketFormat::kNdjson);
  EXPECT_FALSE(parseSocketFormat("xml"));
}

TEST(SocketFormat, EndpointsLikeSs) {
  EXPECT_EQ(endpointText(*core::IpAddress::parse("127.0.0.1"), 80), "127.0.0.1:80");
  EXPECT_EQ(endpointText(*core::IpAddress::parse("::1"), 80), "[::1]:80");
}

TEST(SocketFormat, TextHasAlignedColumnsServicesAndRanges) {
  const std::string text = format(SocketFormat::kText, true);
  EXPECT_EQ(text.rfind("State ", 0), 0u);
  EXPECT_NE(text.find("LISTEN"), std::string::npos);
  EXPECT_NE(text.find("0.0.0.0:22"), std::string::npos);
  EXPECT_NE(text.find("ssh/well-known"), std::string::npos);
  EXPECT_NE(text.find("0.0.0.0:*"), std::string::npos);
  EXPECT_NE(text.find("[::1]:50000"), std::string::npos);
  EXPECT_NE(text.find("-/dynamic"), std::string::npos);
  EXPECT_NE(text.find("https/well-known"), std::string::npos);
  EXPECT_NE(text.find("sshd/812"), std::string::npos);
  // Every line has its Local Service column at the same offset.
  std::vector<std::size_t> offsets;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = text.substr(start, end - start);
    const auto at = line.find(start == 0 ? "Local Service" : "/");
    offsets.push_back(line.rfind(' ', at) + 1);
  }
  ASSERT_EQ(offsets.size(), 3u);
  EXPECT_EQ(offsets[0], offsets[1]);
  EXPECT_EQ(offsets[1], offsets[2]);
}

TEST(SocketFormat, JsonIsOneDocumentWithEscapedStrings) {
  const std::string json = format(SocketFormat::kJson, true);
  EXPECT_EQ(json.rfind(R"({"sockets":[)", 0), 0u);
  EXPECT_NE(json.find(R"({"state":"listening","recv_q":0,"send_q":128,)"
                      R"("local":{"ip":"0.0.0.0","port":22,"service":"ssh","range":"well-known"})"),
            std::string::npos);
  EXPECT_NE(json.find(R"("name":"cu\"rl\u0001")"), std::string::npos);
  EXPECT_NE(json.find(R"("cmdline":"curl \ufffd https://x")"), std::string::npos);
  EXPECT_NE(json.find(R"("notes":["a note"]})"), std::string::npos);
  EXPECT_EQ(format(SocketFormat::kJson, false).find("processes"), std::string::npos);
}

TEST(SocketFormat, NdjsonIsOneObjectPerLine) {
  const std::string ndjson = format(SocketFormat::kNdjson, false);
  EXPECT_EQ(std::count(ndjson.begin(), ndjson.end(), '\n'), 2);
  EXPECT_EQ(ndjson.rfind(R"({"state":"listening")", 0), 0u);
}

TEST(SocketFormat, CsvHasAHeaderAndQuotesWhenNeeded) {
  const std::string csv = format(SocketFormat::kCsv, true);
  EXPECT_EQ(csv.rfind("state,recv_q,send_q,local_ip,local_port,local_service,local_range,", 0), 0u);
  EXPECT_NE(
      csv.find("listening,0,128,0.0.0.0,22,ssh,well-known,0.0.0.0,0,,well-known,0,100,812,sshd"),
      std::string::npos);
  EXPECT_NE(csv.find(R"("cu""rl)"), std::string::npos);
}

// A process picks its own name: on a terminal, an ESC from it must not reach the screen and a
// newline must not forge a row.
TEST(SocketFormat, TextShowsProcessNamesWithoutControlBytes) {
  std::vector<SocketRecord> records{record(TcpState::kListen, "0.0.0.0", 80, "0.0.0.0", 0)};
  records[0].processes.push_back({66, 3, "ev\x1b[2Jil\nLISTEN", "x"});
  std::string text;
  formatSockets(records, {SocketFormat::kText, true, true, nullptr}, ports(), {}, text);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;  // header + one row
  EXPECT_NE(text.find("ev [2Jil LISTEN/66"), std::string::npos) << text;
  EXPECT_EQ(processesText(records[0]), "ev [2Jil LISTEN/66");
}

TEST(SocketFormat, AppendJsonStringKeepsValidUtf8) {
  std::string out;
  appendJsonString(out, "caf\xc3\xa9 \xe2\x82\xac \xc0\xaf");  // overlong '/' is invalid
  EXPECT_EQ(out, "\"caf\xc3\xa9 \xe2\x82\xac \\ufffd\\ufffd\"");
}

// who and the text formats share one listener rule and one process writer.
TEST(SocketFormat, ListenersHaveNoPeerInText) {
  const auto listener = record(TcpState::kListen, "::", 22, "::", 0);
  const auto connected = record(TcpState::kEstablished, "127.0.0.1", 5000, "127.0.0.1", 22);
  EXPECT_TRUE(hasNoPeer(listener));
  EXPECT_FALSE(hasNoPeer(connected));
  EXPECT_EQ(peerText(listener), "[::]:*");
  EXPECT_EQ(peerText(record(TcpState::kListen, "0.0.0.0", 22, "0.0.0.0", 0)), "0.0.0.0:*");
  EXPECT_EQ(peerText(connected), "127.0.0.1:22");
}

TEST(SocketFormat, ProcessesTextWithCommandLines) {
  auto r = record(TcpState::kListen, "0.0.0.0", 80, "0.0.0.0", 0);
  EXPECT_EQ(processesText(r, CommandLines::kInclude), "-");
  r.processes.push_back({812, 3, "nginx", "nginx: master\nprocess"});
  r.processes.push_back({813, 4, "nginx", "nginx: worker"});
  EXPECT_EQ(processesText(r), "nginx/812,nginx/813");
  EXPECT_EQ(processesText(r, CommandLines::kInclude),
            "nginx/812 (nginx: master process), nginx/813 (nginx: worker)");
}

// The table's fast writer and nlohmann's processJson (who) must say the same thing.
TEST(SocketFormat, FastProcessJsonEqualsProcessJson) {
  std::vector<SocketRecord> records = sample();
  records[0].processes.push_back({-1, 0, "caf\xc3\xa9 \"q\" \\", "tab\there\x7f\x1b[0m"});
  std::string ndjson;
  formatSockets(records, {SocketFormat::kNdjson, true, true, nullptr}, ports(), {}, ndjson);
  const auto first = nlohmann::ordered_json::parse(ndjson.substr(0, ndjson.find('\n')));
  EXPECT_EQ(first["processes"], processesJson(records[0]));
  const auto second = nlohmann::ordered_json::parse(ndjson.substr(ndjson.find('\n') + 1));
  // "\x01" is escaped by both; "\xff" becomes U+FFFD in both.
  EXPECT_EQ(second["processes"],
            nlohmann::ordered_json::parse(jsonDocument(processesJson(records[1]))));
  EXPECT_EQ(second["processes"][0]["cmdline"], "curl \xef\xbf\xbd https://x");
}

}  // namespace
}  // namespace portlens::sockets
