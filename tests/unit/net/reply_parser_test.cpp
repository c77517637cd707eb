#include "net/reply_parser.h"

#include <gtest/gtest.h>

#include "packet_fixtures.h"

namespace portlens::net {
namespace {

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

TEST(ReplyParserTest, Ipv4SynAck) {
  const auto frame = testing::loadFrame("ipv4_synack");
  const auto reply = parseReply(frame);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->kind, ReplyKind::kTcp);
  EXPECT_EQ(reply->remote, ip("198.19.0.7"));
  EXPECT_EQ(reply->local, ip("198.18.0.1"));
  EXPECT_EQ(reply->remote_port, 22);
  EXPECT_EQ(reply->local_port, 61111);
  EXPECT_EQ(reply->tcp_flags & (kTcpSyn | kTcpAck), kTcpSyn | kTcpAck);
  EXPECT_EQ(reply->ttl, 64);
}

TEST(ReplyParserTest, Ipv4ResetIgnoresEthernetPadding) {
  // 54 bytes on the wire before padding; a padded copy must parse the same way.
  auto frame = testing::loadFrame("ipv4_rst");
  const auto plain = parseReply(frame);
  frame.resize(60, 0);
  const auto padded = parseReply(frame);
  ASSERT_TRUE(plain && padded);
  EXPECT_EQ(plain->tcp_flags & kTcpRst, kTcpRst);
  EXPECT_EQ(plain->remote_port, 1000);
  EXPECT_EQ(plain->number, padded->number);
}

TEST(ReplyParserTest, Ipv4IcmpQuotesOurProbe) {
  const auto reply = parseReply(testing::loadFrame("ipv4_icmp_admin_prohibited"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->kind, ReplyKind::kIcmpError);
  EXPECT_FALSE(reply->icmp_v6);
  EXPECT_EQ(reply->icmp_type, 3);
  EXPECT_EQ(reply->icmp_code, 13);
  EXPECT_EQ(reply->remote, ip("198.19.0.7"));
  EXPECT_EQ(reply->local, ip("198.18.0.1"));
  EXPECT_EQ(reply->remote_port, 25);
  EXPECT_EQ(reply->local_port, 61111);
  EXPECT_EQ(reply->number, 0xea26a2cdu);  // the quoted sequence number: the cookie
  EXPECT_EQ(reply->icmp_sender, ip("198.19.0.7"));
}

TEST(ReplyParserTest, Ipv6SynAckAndReset) {
  const auto synack = parseReply(testing::loadFrame("ipv6_synack"));
  ASSERT_TRUE(synack.has_value());
  EXPECT_EQ(synack->remote, ip("2001:2:0:1::7"));
  EXPECT_EQ(synack->local, ip("2001:2::1"));
  EXPECT_EQ(synack->remote_port, 22);
  EXPECT_EQ(synack->tcp_flags & (kTcpSyn | kTcpAck), kTcpSyn | kTcpAck);
  const auto reset = parseReply(testing::loadFrame("ipv6_rst"));
  ASSERT_TRUE(reset.has_value());
  EXPECT_EQ(reset->tcp_flags & kTcpRst, kTcpRst);
  EXPECT_EQ(reset->remote_port, 1000);
  // Both acknowledge the same probe sequence + 1 pattern: ack numbers are nonzero.
  EXPECT_NE(reset->number, 0u);
}

TEST(ReplyParserTest, Ipv6IcmpQuotesOurProbe) {
  const auto reply = parseReply(testing::loadFrame("ipv6_icmp_admin_prohibited"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_TRUE(reply->icmp_v6);
  EXPECT_EQ(reply->icmp_type, 1);
  EXPECT_EQ(reply->icmp_code, 1);
  EXPECT_EQ(reply->remote, ip("2001:2:0:1::7"));
  EXPECT_EQ(reply->local, ip("2001:2::1"));
  EXPECT_EQ(reply->remote_port, 25);
  EXPECT_EQ(reply->local_port, 61111);
}

TEST(ReplyParserTest, TruncationsNeverParseOrCrash) {
  for (const char* name : {"ipv4_synack", "ipv4_rst", "ipv4_icmp_admin_prohibited", "ipv6_synack",
                           "ipv6_rst", "ipv6_icmp_admin_prohibited"}) {
    const auto frame = testing::loadFrame(name);
    // Every cut that loses part of a header the parser needs must be refused.
    for (std::size_t cut = 0; cut < 34; ++cut) {
      EXPECT_FALSE(parseReply({frame.data(), cut}).has_value()) << name << " cut at " << cut;
    }
  }
}

TEST(ReplyParserTest, RejectsFragmentsAndOtherProtocols) {
  auto frame = testing::loadFrame("ipv4_synack");
  auto fragment = frame;
  fragment[14 + 7] = 0x10;  // fragment offset 16
  EXPECT_FALSE(parseReply(fragment).has_value());
  auto udp = frame;
  udp[14 + 9] = 17;
  EXPECT_FALSE(parseReply(udp).has_value());
  auto arp = frame;
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_FALSE(parseReply(arp).has_value());
}

}  // namespace
}  // namespace portlens::net
