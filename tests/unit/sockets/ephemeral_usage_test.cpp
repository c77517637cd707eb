#include "sockets/ephemeral_usage.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "test_records.h"

namespace portlens::sockets {
namespace {

using testing::record;

TEST(EphemeralUsage, ParsesReservedPorts) {
  EXPECT_TRUE(parseReservedPorts("\n").empty());
  EXPECT_TRUE(parseReservedPorts("").empty());
  EXPECT_EQ(parseReservedPorts("8080,9000-9010\n"), (PortRanges{{8080, 8080}, {9000, 9010}}));
  for (const char* bad : {"x", "9010-9000", "70000", "1-", ",", "1,,2"}) {
    EXPECT_THROW(parseReservedPorts(bad), core::UsageError) << bad;
  }
}

TEST(EphemeralUsage, CountsPerDestinationWithTimeWait) {
  std::vector<SocketRecord> records;
  for (std::uint16_t p = 40000; p < 40008; ++p) {
    records.push_back(record(p < 40003 ? TcpState::kTimeWait : TcpState::kEstablished, "127.0.0.1",
                             p, "127.0.0.1", 8080));
  }
  records.push_back(record(TcpState::kEstablished, "::1", 40000, "::1", 8443));
  // Not counted: a listener, and the server side of a connection (local port 8080).
  records.push_back(record(TcpState::kListen, "0.0.0.0", 40005, "0.0.0.0", 0));
  records.push_back(record(TcpState::kEstablished, "127.0.0.1", 8080, "127.0.0.1", 40003));

  const auto usage = computeEphemeralUsage(records, {40000, 40009}, {{40009, 40009}, {1, 2}});
  EXPECT_EQ(usage.available, 9u);
  EXPECT_EQ(usage.sockets, 9u);
  EXPECT_EQ(usage.time_wait, 3u);
  EXPECT_EQ(usage.distinct_ports, 8u);
  ASSERT_EQ(usage.destinations.size(), 2u);
  EXPECT_EQ(usage.destinations[0].address.toString(), "127.0.0.1");
  EXPECT_EQ(usage.destinations[0].port, 8080);
  EXPECT_EQ(usage.destinations[0].in_use, 8u);
  EXPECT_EQ(usage.destinations[0].time_wait, 3u);
  EXPECT_EQ(usage.destinations[1].in_use, 1u);
  // 8/9 for the destination and 8/9 distinct ports: two warnings, each with its reason.
  ASSERT_EQ(usage.warnings.size(), 2u);
  EXPECT_NE(usage.warnings[0].find("127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(usage.warnings[0].find("EADDRNOTAVAIL"), std::string::npos);

  const std::string text = renderEphemeralText(usage, 10);
  EXPECT_NE(text.find("40000-40009"), std::string::npos);
  EXPECT_NE(text.find("reserved 40009,1-2"), std::string::npos);
  EXPECT_NE(text.find("warning: "), std::string::npos);
  const auto json = nlohmann::json::parse(renderEphemeralJson(usage, 1));
  ASSERT_EQ(json["destinations"].size(), 1u);  // --top 1
  EXPECT_EQ(json["destinations"][0],
            nlohmann::json::parse(
                R"({"ip":"127.0.0.1","port":8080,"in_use":8,"time_wait":3,"share":0.8889})"));
  EXPECT_EQ(json["range"], nlohmann::json::parse(R"({"first":40000,"last":40009})"));
  EXPECT_EQ(json["warnings"].size(), 2u);
}

TEST(EphemeralUsage, QuietWhenFarFromExhaustion) {
  std::vector<SocketRecord> records{
      record(TcpState::kEstablished, "127.0.0.1", 33000, "127.0.0.1", 80)};
  const auto usage = computeEphemeralUsage(records, {32768, 60999}, {});
  EXPECT_EQ(usage.available, 28232u);
  EXPECT_TRUE(usage.warnings.empty());
}

}  // namespace
}  // namespace portlens::sockets
