#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <variant>

namespace portlens::metrics {
namespace {

constexpr std::string_view kCallbackErrorsName = "portlens_metrics_callback_errors_total";
constexpr double kHttpBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                   0.1,    0.25,  0.5,    1,     2.5,  5,     10};
constexpr double kScanBuckets[] = {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

bool isNameStart(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
bool isNameChar(char c, bool colon) { return isNameStart(c, colon) || (c >= '0' && c <= '9'); }

bool validName(std::string_view name, bool colon) {
  if (name.empty() || !isNameStart(name[0], colon)) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return isNameChar(c, colon); });
}

void checkValueCount(std::size_t got, std::size_t want) {
  if (got != want) {
    throw std::invalid_argument("metrics: " + std::to_string(got) + " label values for " +
                                std::to_string(want) + " label names");
  }
}

}  // namespace

std::span<const double> httpDurationBuckets() { return kHttpBuckets; }
std::span<const double> scanDurationBuckets() { return kScanBuckets; }

Histogram::Histogram(std::span<const double> upper_bounds)
    : bounds_(upper_bounds.begin(), upper_bounds.end()),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) noexcept {
  // Buckets are few (<= 20): a linear scan beats a binary search's branches here.
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

void Histogram::snapshotInto(HistogramSample& out) const {
  out.upper_bounds = bounds_;
  out.bucket_counts.resize(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    out.bucket_counts[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  out.sum = sum_.load(std::memory_order_relaxed);
}

template <typename Metric>
Metric& Family<Metric>::with(std::span<const std::string_view> values) {
  checkValueCount(values.size(), label_names_.size());
  {
    std::shared_lock lock(mutex_);
    if (auto it = children_.find(values); it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  if (auto it = children_.find(values); it != children_.end()) return *it->second;
  std::vector<std::string> key(values.begin(), values.end());
  if (children_.size() >= max_series_) {
    key.assign(label_names_.size(), std::string(kOverflowLabelValue));
    if (auto it = children_.find(key); it != children_.end()) return *it->second;
  }
  auto [it, inserted] = children_.emplace(std::move(key), make_());
  return *it->second;
}

template <typename Metric>
void Family<Metric>::forEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const {
  std::shared_lock lock(mutex_);
  for (const auto& [values, metric] : children_) visit(values, *metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void GaugeSink::add(std::initializer_list<std::string_view> values, double value) {
  add(std::span<const std::string_view>(values.begin(), values.size()), value);
}

void GaugeSink::add(std::span<const std::string_view> values, double value) {
  checkValueCount(values.size(), family_.label_names.size());
  family_.samples.push_back({std::vector<std::string>(values.begin(), values.end()), value});
}

struct Registry::Entry {
  std::string name;
  std::string help;
  MetricType type;
  std::vector<std::string> label_names;
  std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
               std::unique_ptr<HistogramFamily>, GaugeCallback>
      family;
  std::uint64_t callback_id = 0;
  std::size_t max_series = kDefaultMaxSeries;
};

Registry::Registry() = default;
Registry::~Registry() = default;

void Registry::checkNewFamily(const std::string& name, const std::string& help,
                              const std::vector<std::string>& label_names) const {
  if (!validName(name, true))
    throw std::invalid_argument("metrics: bad metric name '" + name + "'");
  if (help.empty()) throw std::invalid_argument("metrics: " + name + " needs a HELP text");
  for (const auto& label : label_names) {
    if (!validName(label, false) || label.rfind("__", 0) == 0) {
      std::string message = "metrics: bad label name '";
      message += label;
      message += "' in ";
      message += name;
      throw std::invalid_argument(message);
    }
  }
  if (name == kCallbackErrorsName) throw std::invalid_argument("metrics: " + name + " is reserved");
  for (const auto& entry : entries_) {
    if (entry->name == name) throw std::invalid_argument("metrics: " + name + " registered twice");
  }
}

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::size_t max_series) {
  std::lock_guard lock(mutex_);
  checkNewFamily(name, help, label_names);
  if (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0) {
    throw std::invalid_argument("metrics: counter " + name + " must end in _total");
  }
  auto family = std::make_unique<CounterFamily>(label_names, max_series,
                                                [] { return std::make_unique<Counter>(); });
  auto& ref = *family;
  entries_.push_back(
      std::make_unique<Entry>(Entry{std::move(name), std::move(help), MetricType::kCounter,
                                    std::move(label_names), std::move(family), 0, max_series}));
  return ref;
}

GaugeFamily& Registry::gauge(std::string name, std::string help,
                             std::vector<std::string> label_names, std::size_t max_series) {
  std::lock_guard lock(mutex_);
  checkNewFamily(name, help, label_names);
  auto family = std::make_unique<GaugeFamily>(label_names, max_series,
                                              [] { return std::make_unique<Gauge>(); });
  auto& ref = *family;
  entries_.push_back(
      std::make_unique<Entry>(Entry{std::move(name), std::move(help), MetricType::kGauge,
                                    std::move(label_names), std::move(family), 0, max_series}));
  return ref;
}

HistogramFamily& Registry::histogram(std::string name, std::string help,
                                     std::vector<std::string> label_names,
                                     std::span<const double> upper_bounds, std::size_t max_series) {
  std::lock_guard lock(mutex_);
  checkNewFamily(name, help, label_names);
  if (std::find(label_names.begin(), label_names.end(), "le") != label_names.end()) {
    throw std::invalid_argument("metrics: histogram " + name + " may not have an 'le' label");
  }
  for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i]) || (i > 0 && upper_bounds[i] <= upper_bounds[i - 1])) {
      throw std::invalid_argument("metrics: bucket bounds of " + name +
                                  " must be finite and ascending");
    }
  }
  std::vector<double> bounds(upper_bounds.begin(), upper_bounds.end());
  auto family = std::make_unique<HistogramFamily>(
      label_names, max_series, [bounds] { return std::make_unique<Histogram>(bounds); });
  auto& ref = *family;
  entries_.push_back(
      std::make_unique<Entry>(Entry{std::move(name), std::move(help), MetricType::kHistogram,
                                    std::move(label_names), std::move(family), 0, max_series}));
  return ref;
}

CallbackHandle Registry::gaugeCallback(std::string name, std::string help,
                                       std::vector<std::string> label_names, GaugeCallback collect,
                                       std::size_t max_series) {
  std::lock_guard lock(mutex_);
  checkNewFamily(name, help, label_names);
  const auto id = next_callback_id_++;
  entries_.push_back(
      std::make_unique<Entry>(Entry{std::move(name), std::move(help), MetricType::kGauge,
                                    std::move(label_names), std::move(collect), id, max_series}));
  return CallbackHandle(this, id);
}

void Registry::removeCallback(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [id](const auto& entry) { return entry->callback_id == id; });
}

namespace {

template <typename Metric, typename Fill>
void snapshotFamily(const Family<Metric>& family, Fill fill) {
  family.forEach(
      [&](const std::vector<std::string>& values, const Metric& metric) { fill(values, metric); });
}

}  // namespace

std::vector<FamilySnapshot> Registry::collect() const {
  std::lock_guard lock(mutex_);
  std::vector<FamilySnapshot> out;
  out.reserve(entries_.size() + 1);
  for (const auto& entry : entries_) {
    FamilySnapshot& snap = out.emplace_back();
    snap.name = entry->name;
    snap.help = entry->help;
    snap.type = entry->type;
    snap.label_names = entry->label_names;
    if (auto* counters = std::get_if<std::unique_ptr<CounterFamily>>(&entry->family)) {
      snapshotFamily(**counters, [&](const auto& values, const Counter& c) {
        snap.samples.push_back({values, static_cast<double>(c.value())});
      });
    } else if (auto* gauges = std::get_if<std::unique_ptr<GaugeFamily>>(&entry->family)) {
      snapshotFamily(**gauges, [&](const auto& values, const Gauge& g) {
        snap.samples.push_back({values, g.value()});
      });
    } else if (auto* hists = std::get_if<std::unique_ptr<HistogramFamily>>(&entry->family)) {
      snapshotFamily(**hists, [&](const auto& values, const Histogram& h) {
        auto& sample = snap.histograms.emplace_back();
        sample.label_values = values;
        h.snapshotInto(sample);
      });
    } else {
      GaugeSink sink(snap);
      try {
        std::get<GaugeCallback>(entry->family)(sink);
      } catch (const std::exception&) {
        snap.samples.clear();
        callback_errors_.inc();
      }
      if (snap.samples.size() > entry->max_series) snap.samples.resize(entry->max_series);
      std::sort(snap.samples.begin(), snap.samples.end(),
                [](const Sample& a, const Sample& b) { return a.label_values < b.label_values; });
    }
  }
  FamilySnapshot& errors = out.emplace_back();
  errors.name = std::string(kCallbackErrorsName);
  errors.help = "Scrapes at which a metric family's callback failed (that family was left empty).";
  errors.type = MetricType::kCounter;
  errors.samples.push_back({{}, static_cast<double>(callback_errors_.value())});
  return out;
}

CallbackHandle::CallbackHandle(CallbackHandle&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(std::exchange(other.id_, 0)) {}

CallbackHandle& CallbackHandle::operator=(CallbackHandle&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

CallbackHandle::~CallbackHandle() { reset(); }

void CallbackHandle::reset() {
  if (registry_ != nullptr) registry_->removeCallback(id_);
  registry_ = nullptr;
}

}  // namespace portlens::metrics
