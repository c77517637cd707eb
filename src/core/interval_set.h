// A set of unsigned integers stored as sorted, disjoint, non-adjacent closed intervals.
// Built by add()/subtract() and then queried; size() and nth() are what scanners need to
// index a target space without ever expanding it. A /8 costs one interval, not 16M entries.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace portlens::core {

template <typename T>
class IntervalSet {
 public:
  struct Interval {
    T first;
    T last;  // inclusive
    friend bool operator==(const Interval&, const Interval&) = default;
  };

  void add(T first, T last) {
    pending_.push_back({first, last});
    normalized_ = false;
  }

  void addAll(const IntervalSet& other) {
    for (const auto& iv : other.intervals()) add(iv.first, iv.last);
  }

  // Removes every value of `other` from this set.
  void subtract(const IntervalSet& other) {
    normalize();
    std::vector<Interval> out;
    auto cut = other.intervals();
    std::size_t j = 0;
    for (Interval iv : intervals_) {
      while (j < cut.size() && cut[j].last < iv.first) ++j;
      std::size_t k = j;
      bool alive = true;
      while (alive && k < cut.size() && cut[k].first <= iv.last) {
        if (cut[k].first > iv.first) out.push_back({iv.first, static_cast<T>(cut[k].first - 1)});
        if (cut[k].last >= iv.last) {
          alive = false;
        } else {
          iv.first = static_cast<T>(cut[k].last + 1);
        }
        ++k;
      }
      if (alive) out.push_back(iv);
    }
    intervals_ = std::move(out);
    rebuildPrefix();
  }

  bool contains(T value) const {
    const auto& ivs = intervals();
    auto it = std::upper_bound(ivs.begin(), ivs.end(), value,
                               [](T v, const Interval& iv) { return v < iv.first; });
    return it != ivs.begin() && std::prev(it)->last >= value;
  }

  bool empty() const { return intervals().empty(); }

  // Number of values, saturating at UINT64_MAX (an IPv6 /0 does not fit; callers cap sizes).
  std::uint64_t size() const {
    normalize();
    return prefix_.empty() ? 0 : prefix_.back();
  }

  // The index-th value in ascending order; index < size().
  T nth(std::uint64_t index) const {
    normalize();
    auto it = std::upper_bound(prefix_.begin(), prefix_.end(), index);
    std::size_t i = static_cast<std::size_t>(it - prefix_.begin());
    std::uint64_t before = i == 0 ? 0 : prefix_[i - 1];
    return static_cast<T>(intervals_[i].first + static_cast<T>(index - before));
  }

  // The position of `value` in ascending order (the inverse of nth), or nullopt when absent.
  std::optional<std::uint64_t> indexOf(T value) const {
    const auto& ivs = intervals();
    auto it = std::upper_bound(ivs.begin(), ivs.end(), value,
                               [](T v, const Interval& iv) { return v < iv.first; });
    if (it == ivs.begin() || std::prev(it)->last < value) return std::nullopt;
    const std::size_t i = static_cast<std::size_t>(std::prev(it) - ivs.begin());
    const std::uint64_t before = i == 0 ? 0 : prefix_[i - 1];
    return before + static_cast<std::uint64_t>(value - ivs[i].first);
  }

  const std::vector<Interval>& intervals() const {
    normalize();
    return intervals_;
  }

 private:
  void normalize() const {
    if (normalized_) return;
    auto& self = const_cast<IntervalSet&>(*this);  // lazy cache; logically const
    self.intervals_.insert(self.intervals_.end(), pending_.begin(), pending_.end());
    self.pending_.clear();
    std::sort(self.intervals_.begin(), self.intervals_.end(),
              [](const Interval& a, const Interval& b) { return a.first < b.first; });
    std::vector<Interval> merged;
    for (const auto& iv : self.intervals_) {
      if (!merged.empty() && (merged.back().last == static_cast<T>(~T{0}) ||
                              iv.first <= static_cast<T>(merged.back().last + 1))) {
        merged.back().last = std::max(merged.back().last, iv.last);
      } else {
        merged.push_back(iv);
      }
    }
    self.intervals_ = std::move(merged);
    self.rebuildPrefix();
    self.normalized_ = true;
  }

  void rebuildPrefix() {
    prefix_.clear();
    std::uint64_t total = 0;
    for (const auto& iv : intervals_) {
      T span = static_cast<T>(iv.last - iv.first);
      // Only a type at least 64 bits wide can hold a span whose count does not fit (for
      // uint32_t, static_cast<T>(UINT64_MAX) is 0xffffffff and [0, 0xffffffff] has 2^32).
      std::uint64_t count = static_cast<std::uint64_t>(span) + 1;
      if constexpr (sizeof(T) >= sizeof(std::uint64_t)) {
        if (span >= static_cast<T>(UINT64_MAX)) count = UINT64_MAX;
      }
      total = (UINT64_MAX - total < count) ? UINT64_MAX : total + count;
      prefix_.push_back(total);
    }
  }

  std::vector<Interval> intervals_;
  std::vector<Interval> pending_;
  std::vector<std::uint64_t> prefix_;  // prefix_[i] = values in intervals_[0..i]
  bool normalized_ = true;
};

}  // namespace portlens::core
