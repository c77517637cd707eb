// How many ports the prober keeps in detection at once: an AIMD window between a floor and
// the configured bound. A connect that is refused or times out means some daemon (or the
// path to it) is past its limit: full accept queues drop SYNs, and every port probed on top
// only adds drops. The window halves on such a failure (once per `cooldown`, so one burst
// counts once) and grows by one per port identified. Pure: the caller passes the time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace portlens::detect {

class PortBudget {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  PortBudget(std::size_t max_ports, std::size_t min_ports, std::chrono::milliseconds cooldown)
      : max_(std::max<std::size_t>(max_ports, 1)),
        min_(std::clamp<std::size_t>(min_ports, 1, max_)),
        cooldown_(cooldown),
        window_(max_) {}

  std::size_t window() const { return window_; }

  void onConnectFailed(TimePoint now) {
    if (cut_once_ && now - last_cut_ < cooldown_) return;
    window_ = std::max(min_, window_ / 2);
    last_cut_ = now;
    cut_once_ = true;
  }

  void onIdentified() { window_ = std::min(max_, window_ + 1); }

 private:
  std::size_t max_;
  std::size_t min_;
  std::chrono::milliseconds cooldown_;
  std::size_t window_;
  TimePoint last_cut_{};
  bool cut_once_ = false;
};

}  // namespace portlens::detect
