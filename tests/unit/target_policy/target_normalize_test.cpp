#include "target_policy/target_normalize.h"

#include <gtest/gtest.h>

#include "target_policy/policy_error.h"

namespace portlens::target_policy {
namespace {

TEST(TargetNormalize, InetAtonSpellingsBecomeDottedQuads) {
  EXPECT_EQ(normalizeTargetToken("2130706433"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("0x7f000001"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("0X7F000001"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("0177.0.0.1"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("127.1"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("127.0.1"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("010.0.0.1"), "8.0.0.1");  // what inet_aton and curl do
  EXPECT_EQ(normalizeTargetToken("0x7f000001/8"), "127.0.0.1/8");
  EXPECT_EQ(normalizeTargetToken("198.19.0.7"), "198.19.0.7");
}

TEST(TargetNormalize, MappedIpv6BecomesIpv4) {
  EXPECT_EQ(normalizeTargetToken("[::ffff:127.0.0.1]"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("::ffff:7f00:1"), "127.0.0.1");
  EXPECT_EQ(normalizeTargetToken("::ffff:10.0.0.0/104"), "10.0.0.0/8");
  EXPECT_EQ(normalizeTargetToken("[2001:2:0:1:0:0:0:7]"), "2001:2:0:1::7");
}

TEST(TargetNormalize, OtherTokensAreLeftAlone) {
  EXPECT_EQ(normalizeTargetToken("example.org"), "example.org");
  EXPECT_EQ(normalizeTargetToken("deadbeef.com"), "deadbeef.com");
  EXPECT_EQ(normalizeTargetToken("0x10.example"), "0x10.example");
  EXPECT_EQ(normalizeTargetToken("198.19.0.1-9"), "198.19.0.1-9");
  EXPECT_EQ(normalizeTargetToken("198.19.0.0/16"), "198.19.0.0/16");
}

TEST(TargetNormalize, OutOfRangeNumbersThrow) {
  EXPECT_THROW(normalizeTargetToken("4294967296"), PolicyError);
  EXPECT_THROW(normalizeTargetToken("1.2.3.256"), PolicyError);
  EXPECT_THROW(normalizeTargetToken("1.2.65536"), PolicyError);
  EXPECT_THROW(normalizeTargetToken("09.1.1.1"), PolicyError);
  EXPECT_THROW(normalizeTargetToken("01.2.3.4-5"), PolicyError);
}

}  // namespace
}  // namespace portlens::target_policy
