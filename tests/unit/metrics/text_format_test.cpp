#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace portlens::metrics {
namespace {

// Built in one place: g++ 12 reports a false -Wmaybe-uninitialized on short string members
// assigned one by one in each test.
FamilySnapshot family(std::string name, std::string help, MetricType type,
                      std::vector<std::string> labels) {
  FamilySnapshot f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  f.label_names = std::move(labels);
  return f;
}

TEST(TextFormat, EscapesBackslashQuoteAndNewlineInLabelValues) {
  EXPECT_EQ(escapeLabelValue(R"(a\b"c)"
                             "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escapeLabelValue("tab\there"), "tab\there");  // only three characters are escaped
}

TEST(TextFormat, ReplacesInvalidUtf8InLabelValues) {
  EXPECT_EQ(escapeLabelValue("caf\xC3\xA9"), "caf\xC3\xA9");  // valid UTF-8 kept
  EXPECT_EQ(escapeLabelValue("a\xFF"
                             "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(escapeLabelValue("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(escapeLabelValue("\xED\xA0\x80"),                           // a surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(escapeLabelValue("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
}

TEST(TextFormat, EscapesHelpButNotQuotes) {
  EXPECT_EQ(escapeHelp("say \"hi\"\\\nnext"), "say \"hi\"\\\\\\nnext");
}

TEST(TextFormat, FormatsValuesAsGoParsesThem) {
  EXPECT_EQ(formatValue(0), "0");
  EXPECT_EQ(formatValue(42), "42");
  EXPECT_EQ(formatValue(0.005), "0.005");
  EXPECT_EQ(formatValue(-1.5), "-1.5");
  EXPECT_EQ(formatValue(1234567), "1234567");
  EXPECT_EQ(formatValue(1e20), "1e+20");
  EXPECT_EQ(formatValue(0.25), "0.25");
  EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(TextFormat, BucketBoundsAreSpelledAsGoSpellsThem) {
  EXPECT_EQ(formatGoFloat(0.0005), "0.0005");
  EXPECT_EQ(formatGoFloat(0.00001), "1e-05");
  EXPECT_EQ(formatGoFloat(0.000015), "1.5e-05");
  EXPECT_EQ(formatGoFloat(3600), "3600");
  EXPECT_EQ(formatGoFloat(123456), "123456");
  EXPECT_EQ(formatGoFloat(1e6), "1e+06");
  EXPECT_EQ(formatGoFloat(1234567), "1.234567e+06");
  EXPECT_EQ(formatGoFloat(2.5), "2.5");
}

TEST(TextFormat, WritesHelpTypeAndLabelledSamples) {
  FamilySnapshot fam =
      family("portlens_scans_started_total", "Scans started.", MetricType::kCounter, {"mode"});
  fam.samples = {{{"connect"}, 3}, {{"syn"}, 1}};
  FamilySnapshot plain = family("portlens_up", "One.", MetricType::kGauge, {});
  plain.samples = {{{}, 1}};
  const FamilySnapshot both[] = {fam, plain};
  EXPECT_EQ(formatText(both),
            "# HELP portlens_scans_started_total Scans started.\n"
            "# TYPE portlens_scans_started_total counter\n"
            "portlens_scans_started_total{mode=\"connect\"} 3\n"
            "portlens_scans_started_total{mode=\"syn\"} 1\n"
            "# HELP portlens_up One.\n"
            "# TYPE portlens_up gauge\n"
            "portlens_up 1\n");
}

TEST(TextFormat, HistogramBucketsAreCumulativeEndWithInfAndMatchCount) {
  FamilySnapshot fam = family("portlens_x_seconds", "X.", MetricType::kHistogram, {"route"});
  HistogramSample h;
  h.label_values = {"/api/v1/scans/{id}"};
  h.upper_bounds = {0.1, 1};
  h.bucket_counts = {2, 0, 3};  // 2 at <= 0.1, none in (0.1, 1], 3 above 1
  h.sum = 12.25;
  fam.histograms = {h};
  const FamilySnapshot one[] = {fam};
  EXPECT_EQ(formatText(one),
            "# HELP portlens_x_seconds X.\n"
            "# TYPE portlens_x_seconds histogram\n"
            "portlens_x_seconds_bucket{route=\"/api/v1/scans/{id}\",le=\"0.1\"} 2\n"
            "portlens_x_seconds_bucket{route=\"/api/v1/scans/{id}\",le=\"1\"} 2\n"
            "portlens_x_seconds_bucket{route=\"/api/v1/scans/{id}\",le=\"+Inf\"} 5\n"
            "portlens_x_seconds_sum{route=\"/api/v1/scans/{id}\"} 12.25\n"
            "portlens_x_seconds_count{route=\"/api/v1/scans/{id}\"} 5\n");
}

TEST(TextFormat, HistogramWithoutLabelsHasOnlyLe) {
  FamilySnapshot fam = family("h_seconds", "H.", MetricType::kHistogram, {});
  fam.histograms = {{{}, {1}, {0, 0}, 0}};
  const FamilySnapshot one[] = {fam};
  EXPECT_EQ(formatText(one),
            "# HELP h_seconds H.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\n"
            "h_seconds_sum 0\nh_seconds_count 0\n");
}

TEST(TextFormat, LabelValueEscapingAppliesInLines) {
  FamilySnapshot fam = family("g", "G.", MetricType::kGauge, {"monitor"});
  fam.samples = {{{"a\"b\\c\nd"}, 2}};
  const FamilySnapshot one[] = {fam};
  EXPECT_EQ(formatText(one), "# HELP g G.\n# TYPE g gauge\ng{monitor=\"a\\\"b\\\\c\\nd\"} 2\n");
}

}  // namespace
}  // namespace portlens::metrics
