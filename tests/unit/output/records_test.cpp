#include "scan/records.h"

#include <gtest/gtest.h>

namespace portlens::scan {
namespace {

TEST(RecordsTest, PortStatesUseNmapWords) {
  EXPECT_EQ(toString(PortState::kOpen), "open");
  EXPECT_EQ(toString(PortState::kClosed), "closed");
  EXPECT_EQ(toString(PortState::kFiltered), "filtered");
}

TEST(RecordsTest, ParsePortStateRoundTripsAndIgnoresCase) {
  for (PortState state : kAllPortStates) EXPECT_EQ(parsePortState(toString(state)), state);
  EXPECT_EQ(parsePortState("OPEN"), PortState::kOpen);
  EXPECT_EQ(parsePortState("Filtered"), PortState::kFiltered);
  EXPECT_EQ(parsePortState("unfiltered"), std::nullopt);
  EXPECT_EQ(parsePortState(""), std::nullopt);
  EXPECT_EQ(parsePortState("open "), std::nullopt);
}

TEST(RecordsTest, ReasonsUseNmapWords) {
  EXPECT_EQ(toString(Reason::kSynAck), "syn-ack");
  EXPECT_EQ(toString(Reason::kConnRefused), "conn-refused");
  EXPECT_EQ(toString(Reason::kReset), "reset");
  EXPECT_EQ(toString(Reason::kNoResponse), "no-response");
  EXPECT_EQ(toString(Reason::kHostUnreach), "host-unreach");
  EXPECT_EQ(toString(Reason::kNetUnreach), "net-unreach");
  EXPECT_EQ(toString(Reason::kPortUnreach), "port-unreach");
  EXPECT_EQ(toString(Reason::kProtoUnreach), "proto-unreach");
  EXPECT_EQ(toString(Reason::kAdminProhibited), "admin-prohibited");
  EXPECT_EQ(toString(Reason::kNetProhibited), "net-prohibited");
  EXPECT_EQ(toString(Reason::kHostProhibited), "host-prohibited");
  EXPECT_EQ(toString(Reason::kTimeExceeded), "time-exceeded");
  EXPECT_EQ(toString(Reason::kLocalError), "error");
}

TEST(RecordsTest, ScanTypes) {
  EXPECT_EQ(toString(ScanType::kConnect), "connect");
  EXPECT_EQ(toString(ScanType::kSyn), "syn");
}

}  // namespace
}  // namespace portlens::scan
