#include "core/port_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace portlens::core {
namespace {

using testing::HasSubstr;

// A service table; case-insensitive, as the real registry lookup is. Records the queries.
struct FakeServices {
  std::map<std::string, std::vector<std::uint16_t>> table{
      {"http", {80, 8008}}, {"ssh", {22}}, {"https", {443}}, {"sun-answerbook", {8080}}};
  std::vector<std::string> asked;

  ServiceLookup fn() {
    return [this](std::string_view name) {
      asked.emplace_back(name);
      std::string lower(name);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      auto it = table.find(lower);
      return it == table.end() ? std::vector<std::uint16_t>{} : it->second;
    };
  }
};

class PortSpecTest : public testing::Test {
 protected:
  std::string parse(std::string_view spec) { return parsePortSpec(spec, services.fn()).toString(); }

  void expectRejected(std::string_view spec, std::string needle = "") {
    if (needle.empty()) needle = "'" + std::string(spec) + "'";
    try {
      parsePortSpec(spec, services.fn());
      ADD_FAILURE() << "accepted '" << spec << "'";
    } catch (const UsageError& e) {
      EXPECT_THAT(e.what(), HasSubstr(needle)) << "for spec '" << spec << "'";
    }
  }

  FakeServices services;
};

TEST_F(PortSpecTest, ListsAndRanges) {
  EXPECT_EQ(parse("22,80,443"), "22,80,443");
  EXPECT_EQ(parse("443,22,80,22"), "22,80,443");
  EXPECT_EQ(parse("1-1024"), "1-1024");
  EXPECT_EQ(parsePortSpec("1-1024", nullptr).size(), 1024u);
  EXPECT_EQ(parse("22,20-25,1000-1001,1002"), "20-25,1000-1002");
  EXPECT_EQ(parse("65535"), "65535");
  EXPECT_EQ(parse("7-7"), "7");
  EXPECT_EQ(parse("00022"), "22");  // decimal only; leading zeros are not octal
}

TEST_F(PortSpecTest, OpenEndedRangesSkipPortZero) {
  auto all = parsePortSpec("-", nullptr);
  EXPECT_EQ(all.size(), 65535u);
  EXPECT_FALSE(all.contains(0));
  EXPECT_TRUE(all.contains(1));
  EXPECT_TRUE(all.contains(65535));
  EXPECT_EQ(parse("-1024"), "1-1024");
  EXPECT_EQ(parse("60000-"), "60000-65535");
}

TEST_F(PortSpecTest, PortZeroOnlyWhenNamed) {
  EXPECT_EQ(parse("0"), "0");
  EXPECT_EQ(parse("0-10"), "0-10");
  EXPECT_EQ(parse("0,-"), "0-65535");
  EXPECT_EQ(parsePortSpec("0-65535", nullptr).size(), 65536u);
}

TEST_F(PortSpecTest, TcpPrefixAccepted) {
  EXPECT_EQ(parse("T:22"), "22");
  EXPECT_EQ(parse("t:22,T:80-81"), "22,80-81");
  EXPECT_EQ(parse("T:-"), "1-65535");
  EXPECT_EQ(parse("T:ssh"), "22");
}

TEST_F(PortSpecTest, OtherProtocolsRefused) {
  expectRejected("U:53", "'U:'");
  expectRejected("22,U:53", "'U:'");
  expectRejected("S:80", "'S:'");
  expectRejected("P:6", "'P:'");
  expectRejected("u:53", "'u:'");
  EXPECT_THROW(parsePortSpec("1:22", nullptr), UsageError);
}

TEST_F(PortSpecTest, ServiceNamesGoThroughTheLookup) {
  EXPECT_EQ(parse("http"), "80,8008");
  EXPECT_EQ(parse("HTTP,ssh,1000"), "22,80,1000,8008");
  EXPECT_EQ(parse("sun-answerbook"), "8080");              // a dash in a name is not a range
  EXPECT_THAT(services.asked, testing::Contains("HTTP"));  // case is the lookup's job
  expectRejected("abc", "'abc'");
  expectRejected("22,nosuchservice", "'nosuchservice'");
  expectRejected("22a", "'22a'");
  EXPECT_THROW(parsePortSpec("http", nullptr), UsageError);
}

TEST_F(PortSpecTest, WildcardNamesRefused) {
  expectRejected("http*", "'http*'");
  expectRejected("ht?p", "'ht?p'");
  expectRejected("[hs]ttp", "'[hs]ttp'");
  EXPECT_TRUE(services.asked.empty());
}

TEST_F(PortSpecTest, ErrorsNameTheToken) {
  expectRejected("70000", "70000");
  expectRejected("65536", "65536");
  expectRejected("100000", "'100000'");
  expectRejected("22,99999999999", "99999999999");
  expectRejected("5-1", "'5-1'");
  expectRejected("-5-6", "'-5-6'");
  expectRejected("1-2-3", "'1-2-3'");
  expectRejected("1--2", "'1--2'");
  expectRejected("22 ", "'22 '");
  expectRejected("+22", "'+22'");
  expectRejected("22.5", "'22.5'");
  expectRejected("1-70000", "70000");
}

TEST_F(PortSpecTest, EmptyItemsRefused) {
  EXPECT_THROW(parsePortSpec("", nullptr), UsageError);
  expectRejected(",", "','");
  expectRejected("22,,80", "'22,,80'");
  expectRejected("22,", "'22,'");
  expectRejected(",22", "',22'");
  expectRejected("T:", "'T:'");
}

}  // namespace
}  // namespace portlens::core
