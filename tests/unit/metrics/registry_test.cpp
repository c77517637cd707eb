#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "metrics/text_format.h"

namespace portlens::metrics {
namespace {

const FamilySnapshot& find(const std::vector<FamilySnapshot>& all, const std::string& name) {
  for (const auto& f : all) {
    if (f.name == name) return f;
  }
  throw std::runtime_error("no family " + name);
}

TEST(Registry, CountersByLabelsAreKeptApartAndSorted) {
  Registry registry;
  auto& scans = registry.counter("portlens_scans_started_total", "Scans started.", {"mode"});
  scans.with({"syn"}).inc();
  scans.with({"connect"}).inc(2);
  scans.with({"connect"}).inc();
  const auto all = registry.collect();
  const auto& family = find(all, "portlens_scans_started_total");
  ASSERT_EQ(family.samples.size(), 2u);
  EXPECT_EQ(family.samples[0].label_values, std::vector<std::string>{"connect"});
  EXPECT_EQ(family.samples[0].value, 3);
  EXPECT_EQ(family.samples[1].value, 1);
}

TEST(Registry, WithReturnsTheSameChildEveryTime) {
  Registry registry;
  auto& family = registry.gauge("g", "G.", {"a", "b"});
  EXPECT_EQ(&family.with({"x", "y"}), &family.with({"x", "y"}));
  EXPECT_NE(&family.with({"x", "y"}), &family.with({"y", "x"}));
}

TEST(Registry, RejectsNamesAgainstTheConventions) {
  Registry registry;
  EXPECT_THROW(registry.counter("portlens_scans", "No _total."), std::invalid_argument);
  EXPECT_THROW(registry.gauge("9lives", "Bad start."), std::invalid_argument);
  EXPECT_THROW(registry.gauge("ok", "Bad label.", {"a-b"}), std::invalid_argument);
  EXPECT_THROW(registry.gauge("ok", "Reserved label.", {"__x"}), std::invalid_argument);
  EXPECT_THROW(registry.gauge("ok", ""), std::invalid_argument);
  registry.gauge("ok", "Fine.");
  EXPECT_THROW(registry.gauge("ok", "Twice."), std::invalid_argument);
  const double bounds[] = {1, 1};
  EXPECT_THROW(registry.histogram("h", "H.", {}, bounds), std::invalid_argument);
  const double fine[] = {1, 2};
  EXPECT_THROW(registry.histogram("h", "H.", {"le"}, fine), std::invalid_argument);
  EXPECT_THROW(registry.gauge("portlens_metrics_callback_errors_total", "Mine."),
               std::invalid_argument);
}

TEST(Registry, WrongLabelCountThrows) {
  Registry registry;
  auto& family = registry.counter("c_total", "C.", {"a"});
  EXPECT_THROW(family.with({}), std::invalid_argument);
  EXPECT_THROW(family.with({"x", "y"}), std::invalid_argument);
}

TEST(Registry, SeriesPastTheCapCountInOneOverflowChild) {
  Registry registry;
  auto& family = registry.counter("c_total", "C.", {"route"}, 2);
  family.with({"a"}).inc();
  family.with({"b"}).inc();
  family.with({"c"}).inc();
  family.with({"d"}).inc(5);
  family.with({"a"}).inc();  // existing children still count in their own series
  const auto all = registry.collect();
  const auto& snap = find(all, "c_total");
  ASSERT_EQ(snap.samples.size(), 3u);
  EXPECT_EQ(snap.samples[0].value, 2);  // a
  EXPECT_EQ(snap.samples[2].label_values, std::vector<std::string>{"overflow"});
  EXPECT_EQ(snap.samples[2].value, 6);
}

TEST(Registry, HistogramCountsEachObservationInItsBucket) {
  Registry registry;
  const double bounds[] = {0.1, 1};
  auto& h = registry.histogram("d_seconds", "D.", {}, bounds).with({});
  h.observe(0.1);  // on the bound: le="0.1"
  h.observe(0.5);
  h.observe(7);
  const auto all = registry.collect();
  const auto& snap = find(all, "d_seconds");
  ASSERT_EQ(snap.histograms.size(), 1u);
  EXPECT_EQ(snap.histograms[0].bucket_counts, (std::vector<std::uint64_t>{1, 1, 1}));
  EXPECT_DOUBLE_EQ(snap.histograms[0].sum, 7.6);
}

TEST(Registry, CallbackGaugesAreReadAtScrapeAndGoneWithTheirHandle) {
  Registry registry;
  int open = 3;
  {
    auto handle = registry.gaugeCallback("portlens_findings_open", "Open findings.",
                                         {"kind", "monitor"}, [&](GaugeSink& sink) {
                                           sink.add({"port_opened", "dmz"}, open);
                                           sink.add({"missing", "dmz"}, 1);
                                         });
    open = 4;
    const auto all = registry.collect();
    const auto& snap = find(all, "portlens_findings_open");
    ASSERT_EQ(snap.samples.size(), 2u);
    EXPECT_EQ(snap.samples[0].label_values, (std::vector<std::string>{"missing", "dmz"}));
    EXPECT_EQ(snap.samples[1].value, 4);
  }
  const auto after = registry.collect();
  EXPECT_THROW(find(after, "portlens_findings_open"), std::runtime_error);
}

TEST(Registry, AFailingCallbackLeavesItsFamilyEmptyAndIsCounted) {
  Registry registry;
  auto handle = registry.gaugeCallback("q", "Q.", {"status"}, [](GaugeSink& sink) {
    sink.add({"queued"}, 1);
    throw std::runtime_error("database is locked");
  });
  const auto all = registry.collect();
  EXPECT_TRUE(find(all, "q").samples.empty());
  EXPECT_EQ(find(all, "portlens_metrics_callback_errors_total").samples.at(0).value, 1);
}

TEST(Registry, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  auto& family = registry.counter("c_total", "C.", {"t"});
  const double bounds[] = {1};
  auto& hist = registry.histogram("h_seconds", "H.", {}, bounds).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string label = t % 2 == 0 ? "even" : "odd";
      for (int i = 0; i < 10000; ++i) {
        family.with({label}).inc();
        hist.observe(0.5);
        if (i % 1000 == 0) registry.collect();
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto all = registry.collect();
  EXPECT_EQ(find(all, "c_total").samples.at(0).value, 20000);
  EXPECT_EQ(find(all, "c_total").samples.at(1).value, 20000);
  EXPECT_DOUBLE_EQ(find(all, "h_seconds").histograms.at(0).sum, 20000);
}

TEST(Registry, RendersThroughTheFormatter) {
  Registry registry;
  registry.counter("a_total", "A.").with({}).inc();
  const auto text = formatText(registry.collect());
  EXPECT_NE(text.find("# TYPE a_total counter\na_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace portlens::metrics
