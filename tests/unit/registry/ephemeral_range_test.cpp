#include "registry/ephemeral_range.h"

#include <gtest/gtest.h>

namespace portlens::registry {
namespace {

TEST(EphemeralRange, ParsesProcContent) {
  const auto parsed = parseEphemeralRange("32768\t60999\n");
  ASSERT_TRUE(std::holds_alternative<EphemeralRange>(parsed));
  EXPECT_EQ(std::get<EphemeralRange>(parsed), (EphemeralRange{32768, 60999}));
}

TEST(EphemeralRange, AcceptsAnyWhitespaceAndFullRange) {
  EXPECT_EQ(std::get<EphemeralRange>(parseEphemeralRange("  1024   65535  ")),
            (EphemeralRange{1024, 65535}));
  EXPECT_EQ(std::get<EphemeralRange>(parseEphemeralRange("1 1")), (EphemeralRange{1, 1}));
}

TEST(EphemeralRange, RejectsMalformedContent) {
  for (const char* bad : {"", "\n", "32768", "32768\n", "60999 32768", "0 100", "1 70000", "a b",
                          "1 2 3", "-1 5", "1,2", "32768\t60999x", "99999999999 1"}) {
    const auto parsed = parseEphemeralRange(bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << "accepted: '" << bad << "'";
    EXPECT_FALSE(std::get<std::string>(parsed).empty());
  }
}

TEST(EphemeralRange, ContainsIsInclusive) {
  const EphemeralRange range{32768, 60999};
  EXPECT_FALSE(range.contains(32767));
  EXPECT_TRUE(range.contains(32768));
  EXPECT_TRUE(range.contains(60999));
  EXPECT_FALSE(range.contains(61000));
}

}  // namespace
}  // namespace portlens::registry
