#include "core/target_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

namespace portlens::core {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

IpAddress ip(const char* text) {
  auto address = IpAddress::parse(text);
  if (!address) throw std::invalid_argument(text);
  return *address;
}

// A resolver backed by a table; records every name it is asked about.
struct FakeResolver {
  std::map<std::string, std::vector<IpAddress>> table;
  std::vector<std::string> asked;

  HostResolver fn() {
    return [this](const std::string& name) {
      asked.push_back(name);
      auto it = table.find(name);
      return it == table.end() ? std::vector<IpAddress>{} : it->second;
    };
  }
};

class TargetSpecTest : public testing::Test {
 protected:
  TargetSpecTest() {
    dns.table["scanme.example"] = {ip("198.18.7.7")};
    dns.table["multi.example"] = {ip("198.18.1.1"), ip("198.18.1.2"), ip("2001:2::53")};
    dns.table["v6only.example"] = {ip("2001:2::80")};
    dns.table["1e100.example"] = {ip("198.18.9.9")};
    dns.table["fqdn.example."] = {ip("198.18.9.10")};
  }

  TargetSet parse(std::string_view token) {
    TargetSet set;
    addTargetSpec(set, token, dns.fn());
    return set;
  }

  // Expects a UsageError whose message quotes `needle` (the offending token by default).
  void expectRejected(std::string_view token, std::string needle = "") {
    if (needle.empty()) needle = "'" + std::string(token) + "'";
    TargetSet set;
    try {
      addTargetSpec(set, token, dns.fn());
      ADD_FAILURE() << "accepted '" << token << "'";
    } catch (const UsageError& e) {
      EXPECT_THAT(e.what(), HasSubstr(needle)) << "for token '" << token << "'";
    }
    EXPECT_TRUE(set.empty()) << "partial result for '" << token << "'";
  }

  FakeResolver dns;
};

TEST_F(TargetSpecTest, SingleIpv4) {
  auto set = parse("198.18.0.7");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.at(0), ip("198.18.0.7"));
  EXPECT_EQ(set.hostnameOf(ip("198.18.0.7")), "");
  EXPECT_TRUE(dns.asked.empty());
}

TEST_F(TargetSpecTest, SingleIpv6PlainAndBracketed) {
  for (const char* token : {"2001:2::7", "[2001:2::7]", "[2001:2::7]/128", "2001:2::7/128"}) {
    auto set = parse(token);
    ASSERT_EQ(set.size(), 1u) << token;
    EXPECT_EQ(set.at(0), ip("2001:2::7")) << token;
  }
  EXPECT_TRUE(dns.asked.empty());
}

TEST_F(TargetSpecTest, Ipv4Cidr) {
  auto set = parse("198.18.0.0/16");
  EXPECT_EQ(set.size(), 65536u);
  EXPECT_EQ(set.at(0), ip("198.18.0.0"));
  EXPECT_EQ(set.at(65535), ip("198.18.255.255"));
  EXPECT_EQ(set.v4().intervals().size(), 1u);

  EXPECT_EQ(parse("198.18.0.9/32").size(), 1u);
  EXPECT_EQ(parse("198.18.0.9/31").size(), 2u);
  EXPECT_EQ(parse("198.18.0.9/1").size(), std::uint64_t{1} << 31);
}

TEST_F(TargetSpecTest, Ipv4SlashZeroIsTheWholeSpace) {
  auto set = parse("198.18.0.1/0");
  EXPECT_EQ(set.size(), std::uint64_t{1} << 32);
  EXPECT_EQ(set.at(0), ip("0.0.0.0"));
  EXPECT_EQ(set.at(0xffffffffu), ip("255.255.255.255"));
}

TEST_F(TargetSpecTest, CidrIgnoresHostBits) {
  auto set = parse("198.18.3.77/24");
  EXPECT_EQ(set.size(), 256u);
  EXPECT_EQ(set.at(0), ip("198.18.3.0"));
  EXPECT_EQ(set.at(255), ip("198.18.3.255"));

  auto v6 = parse("2001:2::1234/120");
  EXPECT_EQ(v6.size(), 256u);
  EXPECT_EQ(v6.at(0), ip("2001:2::1200"));
  EXPECT_EQ(v6.at(255), ip("2001:2::12ff"));
}

TEST_F(TargetSpecTest, Ipv6Cidr) {
  EXPECT_EQ(parse("2001:2::/120").size(), 256u);
  EXPECT_EQ(parse("2001:2::/112").size(), 65536u);
  EXPECT_EQ(parse("2001:2::/96").size(), std::uint64_t{1} << 32);
  EXPECT_EQ(parse("2001:2::/65").size(), std::uint64_t{1} << 63);
  EXPECT_EQ(parse("2001:2::/64").size(), UINT64_MAX);  // 2^64 saturates
  auto all = parse("::/0");
  EXPECT_EQ(all.size(), UINT64_MAX);
  EXPECT_EQ(all.v6().intervals().front().first, Uint128{0});
  EXPECT_TRUE(all.v6().intervals().front().last == ~Uint128{0});
  EXPECT_EQ(parse("[2001:2::]/120").size(), 256u);
}

TEST_F(TargetSpecTest, OctetRanges) {
  auto set = parse("198.18.0-3.1-254");
  EXPECT_EQ(set.size(), 4u * 254u);
  EXPECT_EQ(set.v4().intervals().size(), 4u);
  EXPECT_EQ(set.at(0), ip("198.18.0.1"));
  EXPECT_EQ(set.at(253), ip("198.18.0.254"));
  EXPECT_EQ(set.at(254), ip("198.18.1.1"));
  EXPECT_FALSE(set.contains(ip("198.18.1.0")));
  EXPECT_FALSE(set.contains(ip("198.18.4.1")));
}

TEST_F(TargetSpecTest, OctetListsAndWildcard) {
  auto set = parse("198.18.3,5.*");
  EXPECT_EQ(set.size(), 512u);
  EXPECT_EQ(set.v4().intervals().size(), 2u);
  EXPECT_TRUE(set.contains(ip("198.18.3.0")));
  EXPECT_TRUE(set.contains(ip("198.18.5.255")));
  EXPECT_FALSE(set.contains(ip("198.18.4.0")));

  auto mixed = parse("10.0.1,3,5-7,6.1");  // overlapping list items merge
  EXPECT_EQ(mixed.size(), 5u);
  EXPECT_TRUE(mixed.contains(ip("10.0.7.1")));
  EXPECT_FALSE(mixed.contains(ip("10.0.4.1")));
}

TEST_F(TargetSpecTest, OpenEndedOctetRanges) {
  auto low = parse("10.0.0.-5");
  EXPECT_EQ(low.size(), 6u);  // 0-5
  EXPECT_EQ(low.at(0), ip("10.0.0.0"));
  EXPECT_EQ(low.at(5), ip("10.0.0.5"));

  auto high = parse("10.0.0.250-");
  EXPECT_EQ(high.size(), 6u);  // 250-255
  EXPECT_EQ(high.at(5), ip("10.0.0.255"));

  EXPECT_EQ(parse("10.0.0.-").size(), 256u);
}

TEST_F(TargetSpecTest, WholeOctetsFoldIntoWideIntervals) {
  auto all = parse("*.*.*.*");
  EXPECT_EQ(all.v4().intervals().size(), 1u);
  EXPECT_EQ(all.size(), std::uint64_t{1} << 32);

  auto slash16 = parse("10.0.*.*");
  EXPECT_EQ(slash16.v4().intervals().size(), 1u);
  EXPECT_EQ(slash16.size(), 65536u);

  auto leading = parse("10.*.0.1");  // only trailing wildcards fold
  EXPECT_EQ(leading.size(), 256u);
  EXPECT_EQ(leading.v4().intervals().size(), 256u);

  EXPECT_EQ(parse("10.0-255.*.*").v4().intervals().size(), 1u);
}

TEST_F(TargetSpecTest, TooFragmentedOctetSpecIsRefusedQuickly) {
  auto start = std::chrono::steady_clock::now();
  expectRejected("1-254.1-254.1-254.1,3,5,7", "too fragmented");
  expectRejected("*.*.*.1", "too fragmented");
  expectRejected("0-255.0-255.0-64.1", "too fragmented");  // just above kMaxTargetIntervals
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));

  // A fragmented but moderate spec is fine.
  auto set = parse("1-254.1-254.1.1");
  EXPECT_EQ(set.size(), 254u * 254u);
}

TEST_F(TargetSpecTest, TargetListSharesOneFragmentationBudget) {
  // Each item alone is within kMaxTargetIntervals (the second exactly at it), together they are
  // not: a long --exclude list must not multiply the limit.
  TargetSet set;
  try {
    addTargetList(set, "0-255.0-3.0-255.1,0-255.0-255.0-63.1", dns.fn());
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'0-255.0-255.0-63.1' is too fragmented"));
    EXPECT_THAT(e.what(), HasSubstr("on top of 262144"));
  }
  // Separate tokens each get the full budget.
  TargetSet tokens;
  addTargetSpec(tokens, "0-255.0-3.0-255.1", dns.fn());
  addTargetSpec(tokens, "0-255.4-7.0-255.1", dns.fn());
  EXPECT_EQ(tokens.size(), 2u * 262144u);
}

TEST_F(TargetSpecTest, HostnameKeepsEveryAddressAndItsName) {
  auto set = parse("multi.example");
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.at(0), ip("198.18.1.1"));
  EXPECT_EQ(set.at(1), ip("198.18.1.2"));
  EXPECT_EQ(set.at(2), ip("2001:2::53"));
  for (auto address : {ip("198.18.1.1"), ip("198.18.1.2"), ip("2001:2::53")}) {
    EXPECT_EQ(set.hostnameOf(address), "multi.example");
  }
  EXPECT_THAT(dns.asked, ElementsAre("multi.example"));  // resolved exactly once
}

TEST_F(TargetSpecTest, HostnamesThatStartWithDigitsOrEndWithDot) {
  EXPECT_EQ(parse("1e100.example").at(0), ip("198.18.9.9"));
  EXPECT_EQ(parse("fqdn.example.").at(0), ip("198.18.9.10"));
}

TEST_F(TargetSpecTest, HostnameWithPrefixCoversTheBlock) {
  auto set = parse("scanme.example/30");
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(set.at(0), ip("198.18.7.4"));
  EXPECT_EQ(set.at(3), ip("198.18.7.7"));

  auto v6 = parse("v6only.example/120");
  EXPECT_EQ(v6.size(), 256u);
  expectRejected("scanme.example/33", "scanme.example/33");
}

TEST_F(TargetSpecTest, UnresolvableHostnameIsAUsageError) {
  expectRejected("nowhere.example");
  EXPECT_THAT(dns.asked, ElementsAre("nowhere.example"));
  TargetSet set;
  EXPECT_THROW(addTargetSpec(set, "scanme.example", HostResolver{}), UsageError);
}

TEST_F(TargetSpecTest, NumericTokensNeverReachTheResolver) {
  for (const char* token : {"1.2.3", "2130706433", "0x7f.0.0.1", "0x7f.1", "0X7F000001", "0xdead",
                            "127.1", "0177.0.0.1", "1.0x2.3.4", "0x7f.0.0.1."}) {
    expectRejected(token);
  }
  EXPECT_TRUE(dns.asked.empty()) << dns.asked.front();
}

TEST_F(TargetSpecTest, BadTokensNameTheToken) {
  for (const char* token : {"300.1.1.1",      "198.18.0.0/33", "2001:2::/129",
                            "1.2.3",          "2130706433",    "a..b",
                            "1.2.3.4.5",      "5-1.1.1.1",     "198.018.0.1",
                            "1.2.3.256",      "1.2.3.4/",      "1.2.3.4/-1",
                            "1.2.3.4/032",    "1.2.3.4/abc",   "/24",
                            "1..2.3",         "1.2.3.",        ".1.2.3",
                            "1,,2.3.4.5",     "1.2.3.4-3",     "2001:2::1::2",
                            "[2001:2::1",     "2001:2::1]",    "[2001:2::1/64]",
                            "2001:2::g",      "-host.example", ".host.example",
                            "host_ex$ample",  "host example",  "[]",
                            "[198.18.0.1",    "[198.18.0.1]",  "[1.2.3]",
                            "[host.example]", "1.2.3.4/24/24", "::ffff:1.2.3.4.5",
                            "1.2.3.*5"}) {
    expectRejected(token);
  }
}

TEST_F(TargetSpecTest, EmptyTokenIsAUsageError) {
  TargetSet set;
  EXPECT_THROW(addTargetSpec(set, "", dns.fn()), UsageError);
}

TEST_F(TargetSpecTest, OverlongHostnameIsRefused) { expectRejected(std::string(254, 'a'), "'aaa"); }

TEST_F(TargetSpecTest, EmbeddedNulIsRefused) {
  using namespace std::string_literals;
  expectRejected("198.18.0.1\0x"s, "invalid");
  expectRejected("::1\0"s, "invalid");
}

TEST_F(TargetSpecTest, TokensAccumulate) {
  TargetSet set;
  addTargetSpec(set, "198.18.0.0/30", dns.fn());
  addTargetSpec(set, "198.18.0.2-5", dns.fn());
  addTargetSpec(set, "scanme.example", dns.fn());
  EXPECT_EQ(set.size(), 7u);
  EXPECT_EQ(set.hostnameOf(ip("198.18.7.7")), "scanme.example");
}

TEST_F(TargetSpecTest, TargetListSplitsOnCommas) {
  TargetSet set;
  addTargetList(set, "198.18.0.1,198.18.0.8/30,scanme.example,2001:2::1", dns.fn());
  EXPECT_EQ(set.size(), 1u + 4u + 1u + 1u);
  EXPECT_TRUE(set.contains(ip("198.18.0.11")));
  EXPECT_TRUE(set.contains(ip("2001:2::1")));

  for (const char* list : {"", ",", "198.18.0.1,", ",198.18.0.1", "198.18.0.1,,198.18.0.2"}) {
    TargetSet bad;
    try {
      addTargetList(bad, list, dns.fn());
      ADD_FAILURE() << "accepted '" << list << "'";
    } catch (const UsageError& e) {
      EXPECT_THAT(e.what(), HasSubstr("'" + std::string(list) + "'"));
    }
  }
  TargetSet bad;
  EXPECT_THROW(addTargetList(bad, "198.18.0.1,300.0.0.1", dns.fn()), UsageError);
}

TEST_F(TargetSpecTest, ExcludeBySubtracting) {
  auto set = parse("198.18.0.0/24");
  addTargetSpec(set, "multi.example", dns.fn());
  TargetSet exclude;
  addTargetList(exclude, "198.18.0.0/30,198.18.0.255,198.18.1.2,10.0.0.1", dns.fn());
  set.subtract(exclude);
  EXPECT_EQ(set.size(), 256u - 5u + 2u);
  EXPECT_EQ(set.at(0), ip("198.18.0.4"));
  EXPECT_FALSE(set.contains(ip("198.18.1.2")));
  EXPECT_TRUE(set.contains(ip("198.18.1.1")));
  EXPECT_EQ(set.hostnameOf(ip("198.18.1.1")), "multi.example");
  EXPECT_EQ(set.hostnameOf(ip("198.18.1.2")), "");
}

TEST(ReadTargetTokens, SplitsOnWhitespaceAndDropsComments) {
  std::istringstream in(
      "# targets for the lab\n"
      "198.18.0.1 198.18.0.2\t198.18.0.0/30\n"
      "\n"
      "   scanme.example   # the usual one\n"
      "2001:2::1#no space before the comment\r\n"
      "#198.18.9.9\n"
      "  \t \n"
      "last-without-newline");
  EXPECT_THAT(readTargetTokens(in),
              ElementsAre("198.18.0.1", "198.18.0.2", "198.18.0.0/30", "scanme.example",
                          "2001:2::1", "last-without-newline"));
}

TEST(ReadTargetTokens, EmptyAndCommentOnlyInputsGiveNothing) {
  std::istringstream empty("");
  EXPECT_TRUE(readTargetTokens(empty).empty());
  std::istringstream comments("# a\n#b\n   # c\n\n");
  EXPECT_TRUE(readTargetTokens(comments).empty());
}

TEST(ReadTargetTokens, TokensFeedTheParser) {
  std::istringstream in("198.18.0.0/31 # two\n198.18.0.5\n");
  TargetSet set;
  for (const auto& token : readTargetTokens(in)) addTargetSpec(set, token, HostResolver{});
  EXPECT_EQ(set.size(), 3u);
}

}  // namespace
}  // namespace portlens::core
