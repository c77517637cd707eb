// A small Prometheus metrics registry: counters, gauges and histograms with label sets, plus
// gauge families read from a callback at scrape time. No globals: the composition root (the
// serve command) owns one Registry and passes it, or the families it registered, down to
// whoever counts. Rendering to the text exposition format is text_format.h's job; this file
// only keeps numbers.
//
// Conventions enforced at registration (std::invalid_argument otherwise): metric and label
// names match Prometheus' grammar, a family name is registered once, counters end in
// `_total`, histograms have no `le` label and ascending finite bucket bounds. Units are base
// units (seconds, bytes) and say so in the name (`_seconds`, `_bytes`).
//
// Bounded label sets: never put an IP address, a path, a token or anything a peer chooses in a
// label value; use route templates, modes, kinds, destination types. As a backstop each family
// holds at most `max_series` children; further label combinations all count in one overflow
// child whose label values are "overflow", so a bug cannot grow memory or the scrape without
// bound.
//
// Threads: everything here is thread-safe. Counter/Gauge/Histogram updates are lock-free
// atomics (relaxed: a scrape sees each value some time between two updates). Family::with()
// takes a shared lock for a known label set and an exclusive one only to create a child; the
// returned reference is valid for the registry's lifetime, so hot paths look it up once and
// keep it. Callbacks run on the scraping thread, under the registry's lock: they must not call
// back into the registry, and should be quick (a small query).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/snapshot.h"

namespace portlens::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `upper_bounds`: ascending, finite; +Inf is implicit.
  explicit Histogram(std::span<const double> upper_bounds);
  // One bucket increment and one add to the sum: lock-free.
  void observe(double value) noexcept;
  // Per-bucket (not cumulative) counts, the last one for +Inf, and the sum.
  void snapshotInto(HistogramSample& out) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Bucket bounds in seconds for request-like durations (5 ms .. 10 s) and for whole scans
// (0.1 s .. 1 h).
std::span<const double> httpDurationBuckets();
std::span<const double> scanDurationBuckets();

inline constexpr std::size_t kDefaultMaxSeries = 256;
inline constexpr std::string_view kOverflowLabelValue = "overflow";

namespace detail {
// Orders label-value vectors, and compares them with spans of string_views so that a lookup
// of a known child allocates nothing.
struct LabelLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};
}  // namespace detail

// One metric name with its label names; children by label values.
template <typename Metric>
class Family {
 public:
  using Factory = std::function<std::unique_ptr<Metric>()>;
  Family(std::vector<std::string> label_names, std::size_t max_series, Factory make)
      : label_names_(std::move(label_names)), max_series_(max_series), make_(std::move(make)) {}

  // The child for these label values, one per label name in registration order (a count that
  // does not match throws std::invalid_argument). Created at first use.
  Metric& with(std::initializer_list<std::string_view> values) {
    return with(std::span<const std::string_view>(values.begin(), values.size()));
  }
  Metric& with(std::span<const std::string_view> values);

  const std::vector<std::string>& labelNames() const { return label_names_; }
  // Calls `visit(values, metric)` for every child, in label-value order.
  void forEach(
      const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const;

 private:
  std::vector<std::string> label_names_;
  std::size_t max_series_;
  Factory make_;
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>, detail::LabelLess> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Receives the samples of a callback gauge family at scrape time.
class GaugeSink {
 public:
  explicit GaugeSink(FamilySnapshot& family) : family_(family) {}
  // One sample; `values` as many as the family's label names (std::invalid_argument otherwise).
  void add(std::initializer_list<std::string_view> values, double value);
  void add(std::span<const std::string_view> values, double value);

 private:
  FamilySnapshot& family_;
};

using GaugeCallback = std::function<void(GaugeSink&)>;

class Registry;

// Unregisters a callback family when destroyed (waiting for a scrape that is running it), so
// a callback never outlives what it reads. Move-only; a default-constructed one holds nothing.
class CallbackHandle {
 public:
  CallbackHandle() = default;
  CallbackHandle(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  CallbackHandle(CallbackHandle&& other) noexcept;
  CallbackHandle& operator=(CallbackHandle&& other) noexcept;
  CallbackHandle(const CallbackHandle&) = delete;
  CallbackHandle& operator=(const CallbackHandle&) = delete;
  ~CallbackHandle();
  void reset();

 private:
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families live as long as the registry; the references stay valid.
  CounterFamily& counter(std::string name, std::string help,
                         std::vector<std::string> label_names = {},
                         std::size_t max_series = kDefaultMaxSeries);
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> label_names = {},
                     std::size_t max_series = kDefaultMaxSeries);
  HistogramFamily& histogram(std::string name, std::string help,
                             std::vector<std::string> label_names,
                             std::span<const double> upper_bounds,
                             std::size_t max_series = kDefaultMaxSeries);
  // A gauge family whose samples `collect` emits at every scrape (e.g. open findings counted
  // by the store). The family shows with no sample when the callback emits none, and is gone
  // from scrapes once the handle is destroyed. At most `max_series` samples are kept.
  [[nodiscard]] CallbackHandle gaugeCallback(std::string name, std::string help,
                                             std::vector<std::string> label_names,
                                             GaugeCallback collect,
                                             std::size_t max_series = kDefaultMaxSeries);

  // Every family's current values, in registration order. A callback that throws yields its
  // family without samples (the scrape still succeeds) and counts in
  // portlens_metrics_callback_errors_total, which every registry exposes.
  std::vector<FamilySnapshot> collect() const;

 private:
  friend class CallbackHandle;
  struct Entry;
  void checkNewFamily(const std::string& name, const std::string& help,
                      const std::vector<std::string>& label_names) const;
  void removeCallback(std::uint64_t id);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::uint64_t next_callback_id_ = 1;
  mutable Counter callback_errors_;
};

}  // namespace portlens::metrics
