#include "output/csv_formatter.h"

#include <gtest/gtest.h>

#include "flush_counter.h"
#include "scan_fixture.h"

namespace portlens::output {
namespace {

using namespace std::chrono_literals;

TEST(CsvFormatterTest, HeaderAndOneRowPerReportedPort) {
  const auto lines = testing::splitLines(testing::render(Format::kCsv));
  ASSERT_EQ(lines.size(), 108u);  // header + 107 ports
  EXPECT_EQ(lines[0], "ip,hostname,port,proto,state,reason,rtt_ms,service");
  EXPECT_EQ(lines[1], "198.18.0.7,,22,tcp,open,syn-ack,0.110,ssh");
  EXPECT_EQ(lines[2], "2001:db8::1,,22,tcp,open,syn-ack,2.000,ssh");
  EXPECT_EQ(lines[4], "198.18.0.7,,443,tcp,filtered,no-response,,https");
  EXPECT_EQ(lines.back(), "198.18.0.9,,8080,tcp,open,syn-ack,0.300,http-alt");
}

TEST(CsvFormatterTest, QuotesFieldsPerRfc4180) {
  const auto lines = testing::splitLines(testing::render(Format::kCsv));
  // A quote inside a field is doubled and the field is quoted.
  EXPECT_EQ(lines[3], R"(203.0.113.5,"<script>&""'",80,tcp,open,syn-ack,1.235,http)");

  std::ostringstream out;
  CsvFormatter formatter(out, testing::testRegistry());
  formatter.port(testing::portRecord("198.18.0.7", 1002, scan::PortState::kOpen,
                                     scan::Reason::kSynAck, 1ms, "a,b\nc"));
  EXPECT_EQ(out.str(), "198.18.0.7,\"a,b\nc\",1002,tcp,open,syn-ack,1.000,\n");
}

TEST(CsvFormatterTest, WritesEachRecordAndFlushesOnRequest) {
  testing::FlushCounter buffer;
  std::ostream out(&buffer);
  CsvFormatter formatter(out, testing::testRegistry());
  formatter.begin(testing::scanInfo());
  const int after_begin = buffer.flushes();
  formatter.port(
      testing::portRecord("198.18.0.7", 22, scan::PortState::kOpen, scan::Reason::kSynAck, 1ms));
  formatter.flush();
  EXPECT_GT(buffer.flushes(), after_begin);
  EXPECT_EQ(testing::splitLines(buffer.str()).size(), 2u);
}

}  // namespace
}  // namespace portlens::output
