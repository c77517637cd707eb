#include "scan/transports/icmp_reason.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace portlens::scan {
namespace {

TEST(IcmpReasonTest, Icmp4DestinationUnreachableCodes) {
  EXPECT_EQ(fromIcmp4(3, 13).reason, Reason::kAdminProhibited);
  EXPECT_EQ(fromIcmp4(3, 3).reason, Reason::kPortUnreach);
  EXPECT_EQ(fromIcmp4(3, 1).reason, Reason::kHostUnreach);
  EXPECT_EQ(fromIcmp4(3, 0).reason, Reason::kNetUnreach);
  EXPECT_EQ(fromIcmp4(3, 10).reason, Reason::kHostProhibited);
  EXPECT_EQ(fromIcmp4(11, 0).reason, Reason::kTimeExceeded);
  // nmap: every ICMP unreachable means filtered, port-unreachable included (it is a firewall's
  // reject, a real closed TCP port answers with a reset).
  EXPECT_EQ(fromIcmp4(3, 3).state, PortState::kFiltered);
}

TEST(IcmpReasonTest, Icmp6DestinationUnreachableCodes) {
  EXPECT_EQ(fromIcmp6(1, 1).reason, Reason::kAdminProhibited);
  EXPECT_EQ(fromIcmp6(1, 4).reason, Reason::kPortUnreach);
  EXPECT_EQ(fromIcmp6(1, 3).reason, Reason::kHostUnreach);
  EXPECT_EQ(fromIcmp6(1, 0).reason, Reason::kNetUnreach);
  EXPECT_EQ(fromIcmp6(3, 0).reason, Reason::kTimeExceeded);
}

TEST(IcmpReasonTest, ConnectErrnos) {
  EXPECT_EQ(fromConnectErrno(0).state, PortState::kOpen);
  EXPECT_EQ(fromConnectErrno(0).reason, Reason::kSynAck);
  EXPECT_EQ(fromConnectErrno(ECONNREFUSED).state, PortState::kClosed);
  EXPECT_EQ(fromConnectErrno(ECONNREFUSED).reason, Reason::kConnRefused);
  EXPECT_EQ(fromConnectErrno(EHOSTUNREACH).state, PortState::kFiltered);
  EXPECT_EQ(fromConnectErrno(EACCES).reason, Reason::kAdminProhibited);
}

}  // namespace
}  // namespace portlens::scan
