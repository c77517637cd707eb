// The values of metric families at one scrape: plain data that Registry::collect() fills and
// formatText() (text_format.h) renders. Kept apart from the registry so the formatter is a pure
// function of these values, testable without atomics or threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace portlens::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// A counter or gauge child: label values in the family's label-name order.
struct Sample {
  std::vector<std::string> label_values;
  double value = 0;
};

// A histogram child. `bucket_counts` are per bucket (NOT cumulative), one per upper bound plus
// a last one for +Inf; the formatter accumulates them and derives _count from their total.
struct HistogramSample {
  std::vector<std::string> label_values;
  std::vector<double> upper_bounds;
  std::vector<std::uint64_t> bucket_counts;
  double sum = 0;
};

struct FamilySnapshot {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<std::string> label_names;
  std::vector<Sample> samples;              // counters and gauges
  std::vector<HistogramSample> histograms;  // histograms
};

}  // namespace portlens::metrics
