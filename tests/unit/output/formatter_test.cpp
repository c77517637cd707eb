#include "output/formatter.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/error.h"
#include "scan_fixture.h"

namespace portlens::output {
namespace {

TEST(FormatterTest, ParsesEveryFormatName) {
  EXPECT_EQ(parseFormat("text"), Format::kText);
  EXPECT_EQ(parseFormat("json"), Format::kJson);
  EXPECT_EQ(parseFormat("ndjson"), Format::kNdjson);
  EXPECT_EQ(parseFormat("csv"), Format::kCsv);
  EXPECT_EQ(parseFormat("xml"), Format::kXml);
  EXPECT_EQ(parseFormat("grep"), Format::kGrep);
}

TEST(FormatterTest, RejectsUnknownNamesAsUsageErrors) {
  EXPECT_THROW(parseFormat("yaml"), core::UsageError);
  EXPECT_THROW(parseFormat(""), core::UsageError);
  EXPECT_THROW(parseFormat("JSON "), core::UsageError);
}

TEST(FormatterTest, EveryFormatSurvivesAnEmptyScan) {
  for (Format format :
       {Format::kText, Format::kJson, Format::kNdjson, Format::kCsv, Format::kXml, Format::kGrep}) {
    std::ostringstream out;
    auto formatter = makeFormatter(format, out, testing::testRegistry(), {});
    testing::feed(*formatter, testing::scanInfo(), {}, {});
    EXPECT_FALSE(out.str().empty());
  }
}

}  // namespace
}  // namespace portlens::output
