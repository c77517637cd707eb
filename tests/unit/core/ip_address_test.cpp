#include "core/ip_address.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace portlens::core {
namespace {

using namespace std::string_literals;

std::string roundTrip(std::string_view text) {
  auto address = IpAddress::parse(text);
  return address ? address->toString() : "<invalid>";
}

TEST(IpAddress, DefaultIsV4Zero) {
  IpAddress address;
  EXPECT_TRUE(address.isV4());
  EXPECT_EQ(address.v4(), 0u);
  EXPECT_EQ(address.toString(), "0.0.0.0");
}

TEST(IpAddress, ParsesIpv4InHostOrder) {
  auto address = IpAddress::parse("198.18.0.7");
  ASSERT_TRUE(address);
  EXPECT_TRUE(address->isV4());
  EXPECT_EQ(address->family(), Family::kIpv4);
  EXPECT_EQ(address->v4(), 0xc6120007u);
  EXPECT_EQ(*address, IpAddress::fromV4(0xc6120007u));
}

TEST(IpAddress, Ipv4RoundTrips) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "127.0.0.1", "10.0.0.1", "198.18.255.0"}) {
    EXPECT_EQ(roundTrip(text), text);
  }
}

TEST(IpAddress, ParsesIpv6InHostOrder) {
  auto address = IpAddress::parse("2001:db8::1");
  ASSERT_TRUE(address);
  EXPECT_TRUE(address->isV6());
  Uint128 expected = (Uint128{0x20010db800000000ULL} << 64) | 1;
  EXPECT_TRUE(address->v6() == expected);
  auto bytes = address->v6Bytes();
  EXPECT_EQ(bytes[0], 0x20);
  EXPECT_EQ(bytes[1], 0x01);
  EXPECT_EQ(bytes[2], 0x0d);
  EXPECT_EQ(bytes[3], 0xb8);
  EXPECT_EQ(bytes[15], 0x01);
  EXPECT_EQ(IpAddress::fromV6Bytes(bytes), *address);
}

TEST(IpAddress, Ipv6ToStringIsRfc5952) {
  EXPECT_EQ(roundTrip("::"), "::");
  EXPECT_EQ(roundTrip("::1"), "::1");
  EXPECT_EQ(roundTrip("1::"), "1::");
  EXPECT_EQ(roundTrip("2001:DB8::1"), "2001:db8::1");                    // lower case
  EXPECT_EQ(roundTrip("2001:0db8::0001"), "2001:db8::1");                // no leading 0s
  EXPECT_EQ(roundTrip("2001:db8:0:0:0:0:0:1"), "2001:db8::1");           // compress
  EXPECT_EQ(roundTrip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");     // first run
  EXPECT_EQ(roundTrip("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");           // longest run
  EXPECT_EQ(roundTrip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // single 0 kept
  EXPECT_EQ(roundTrip("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(roundTrip("::ffff:198.18.0.1"), "::ffff:198.18.0.1");  // v4-mapped
  EXPECT_EQ(roundTrip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(IpAddress, V4MappedIsV6NotV4) {
  auto mapped = IpAddress::parse("::ffff:1.2.3.4");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->isV6());
  EXPECT_NE(*mapped, *IpAddress::parse("1.2.3.4"));
}

TEST(IpAddress, RejectsNonAddresses) {
  for (const char* text : {"",
                           "1.2.3",
                           "300.1.1.1",
                           "1.2.3.4.5",
                           "1.2.3.256",
                           "2130706433",
                           "0x7f.0.0.1",
                           "0x7f.1",
                           "1.2.3.4 ",
                           " 1.2.3.4",
                           "1.2.3.4/32",
                           "[::1]",
                           "::1/128",
                           "2001:db8::1::2",
                           ":::",
                           "1:2:3:4:5:6:7:8:9",
                           "fe80::1%eth0",
                           "g::1",
                           "localhost",
                           "1.2.3.-4",
                           "-1.2.3.4"}) {
    EXPECT_FALSE(IpAddress::parse(text)) << "accepted '" << text << "'";
  }
}

TEST(IpAddress, RejectsLeadingZerosSoNothingIsOctal) {
  // glibc's inet_pton refuses leading zeros; nmap/inet_aton would read 0177 as octal 127.
  EXPECT_FALSE(IpAddress::parse("0177.0.0.1"));
  EXPECT_FALSE(IpAddress::parse("01.2.3.4"));
  EXPECT_FALSE(IpAddress::parse("1.2.3.04"));
  EXPECT_TRUE(IpAddress::parse("0.0.0.0"));
}

TEST(IpAddress, RejectsEmbeddedNul) {
  EXPECT_FALSE(IpAddress::parse("1.2.3.4\0junk"s));
  EXPECT_FALSE(IpAddress::parse("::1\0"s));
}

TEST(IpAddress, RejectsOverlongInput) {
  std::string longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";  // 45 chars, valid
  EXPECT_TRUE(IpAddress::parse(longest));
  EXPECT_FALSE(IpAddress::parse(std::string(46, '1')));
  EXPECT_FALSE(IpAddress::parse("0000" + longest));
  EXPECT_FALSE(IpAddress::parse(std::string(4096, ':')));
}

TEST(IpAddress, OrderingPutsEveryV4BeforeV6) {
  auto v4_max = IpAddress::fromV4(0xffffffffu);
  auto v6_min = IpAddress::fromV6(0);
  EXPECT_LT(v4_max, v6_min);
  EXPECT_LT(IpAddress::fromV4(1), IpAddress::fromV4(2));
  EXPECT_LT(IpAddress::fromV6(1), IpAddress::fromV6(Uint128{1} << 100));
  EXPECT_NE(IpAddress::fromV4(0), IpAddress::fromV6(0));
  EXPECT_EQ(IpAddress::fromV6(7), *IpAddress::parse("::7"));
  EXPECT_TRUE((IpAddress::fromV4(5) <=> IpAddress::fromV4(5)) == 0);
}

TEST(IpAddress, ByteConversionRoundTrips) {
  Uint128 value = (Uint128{0x0123456789abcdefULL} << 64) | 0xfedcba9876543210ULL;
  auto address = IpAddress::fromV6(value);
  EXPECT_EQ(IpAddress::fromV6Bytes(address.v6Bytes()), address);
  EXPECT_EQ(address.toString(), "123:4567:89ab:cdef:fedc:ba98:7654:3210");
}

}  // namespace
}  // namespace portlens::core
