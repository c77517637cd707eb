#include "net/checksum.h"

#include <gtest/gtest.h>

#include <array>

#include "packet_fixtures.h"

namespace portlens::net {
namespace {

// RFC 1071's worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d.
TEST(ChecksumTest, Rfc1071Example) {
  const std::array<std::uint8_t, 8> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksumFinish(checksumAdd(0, data.data(), data.size())), 0x220d);
}

TEST(ChecksumTest, OddLengthPadsWithZero) {
  const std::array<std::uint8_t, 3> odd{0x12, 0x34, 0x56};
  const std::array<std::uint8_t, 4> even{0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(checksumFinish(checksumAdd(0, odd.data(), odd.size())),
            checksumFinish(checksumAdd(0, even.data(), even.size())));
}

std::uint16_t field(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

// The captured IPv4 header carries its own checksum: summed, it folds to zero.
TEST(ChecksumTest, CapturedIpv4HeaderVerifies) {
  const auto frame = testing::loadFrame("ipv4_synack");
  EXPECT_EQ(checksumFinish(checksumAdd(0, frame.data() + 14, 20)), 0);
}

// veth offloads TCP checksums: the sender's kernel leaves only its own pseudo-header sum in
// the field (CHECKSUM_PARTIAL). That is an independent check of pseudoHeaderSum: ours must
// fold to exactly the value Linux wrote, for IPv4 and IPv6.
TEST(ChecksumTest, PseudoHeaderSumMatchesTheKernels) {
  const auto v4 = testing::loadFrame("ipv4_synack");
  const std::size_t v4_tcp = v4.size() - 34;
  EXPECT_EQ(static_cast<std::uint16_t>(~checksumFinish(pseudoHeaderSum(
                core::IpAddress::parse("198.19.0.7").value(),
                core::IpAddress::parse("198.18.0.1").value(), static_cast<std::uint32_t>(v4_tcp)))),
            field(v4.data() + 34 + 16));
  const auto v6 = testing::loadFrame("ipv6_synack");
  const std::size_t v6_tcp = v6.size() - 54;
  EXPECT_EQ(static_cast<std::uint16_t>(~checksumFinish(pseudoHeaderSum(
                core::IpAddress::parse("2001:2:0:1::7").value(),
                core::IpAddress::parse("2001:2::1").value(), static_cast<std::uint32_t>(v6_tcp)))),
            field(v6.data() + 54 + 16));
}

}  // namespace
}  // namespace portlens::net
