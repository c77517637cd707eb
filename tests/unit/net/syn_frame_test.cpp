#include "net/syn_frame.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "net/checksum.h"
#include "net/reply_parser.h"
#include "packet_fixtures.h"

namespace portlens::net {
namespace {

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

FrameOrigin labOrigin(const char* source) {
  FrameOrigin origin;
  origin.source = ip(source);
  origin.source_mac = {0x72, 0x60, 0x24, 0x40, 0x06, 0x3c};
  origin.next_hop_mac = {0x16, 0xbf, 0x29, 0x79, 0xbb, 0x8b};
  return origin;
}

// The ICMP error in the fixture quotes the SYN exactly as the target received it, so a frame
// built with the same fields must reproduce those bytes, checksums included.
TEST(SynFrameTest, MatchesTheProbeQuotedByARealIcmpError) {
  const auto icmp = testing::loadFrame("ipv4_icmp_admin_prohibited");
  const std::uint8_t* quote = icmp.data() + 14 + 20 + 8;
  SynProbe probe;
  probe.target = ip("198.19.0.7");
  probe.source_port = 61111;
  probe.target_port = 25;
  probe.sequence = 0xea26a2cd;
  probe.ip_id = 0xea26;
  std::array<std::uint8_t, kMaxSynFrameSize> frame{};
  const std::size_t length = buildSynFrame(labOrigin("198.18.0.1"), probe, frame);
  ASSERT_EQ(length, 58u);
  EXPECT_EQ(std::vector<std::uint8_t>(frame.begin() + 14, frame.begin() + 58),
            std::vector<std::uint8_t>(quote, quote + 44));
  // Ethernet: to the router's MAC, from ours, IPv4.
  EXPECT_EQ(frame[0], 0x16);
  EXPECT_EQ(frame[6], 0x72);
  EXPECT_EQ(frame[12], 0x08);
  EXPECT_EQ(frame[13], 0x00);
}

TEST(SynFrameTest, Ipv6ProbeHasAValidChecksumAndParsesBack) {
  SynProbe probe;
  probe.target = ip("2001:2:0:1::7");
  probe.source_port = 61000;
  probe.target_port = 443;
  probe.sequence = 0x01020304;
  std::array<std::uint8_t, kMaxSynFrameSize> frame{};
  const std::size_t length = buildSynFrame(labOrigin("2001:2::1"), probe, frame);
  ASSERT_EQ(length, 78u);
  EXPECT_EQ(frame[12], 0x86);
  EXPECT_EQ(frame[13], 0xdd);
  const std::uint8_t* tcp = frame.data() + 54;
  EXPECT_EQ(
      checksumFinish(checksumAdd(pseudoHeaderSum(ip("2001:2::1"), probe.target, 24), tcp, 24)), 0);
  // Our own SYN, read back by the parser, carries what we put in.
  const auto parsed = parseReply({frame.data(), length});
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->tcp_flags, kTcpSyn);
  EXPECT_EQ(parsed->local, probe.target);  // "local" is the destination of the segment
  EXPECT_EQ(parsed->remote_port, 61000);
  EXPECT_EQ(parsed->local_port, 443);
  EXPECT_EQ(parsed->ttl, 64);
}

}  // namespace
}  // namespace portlens::net
