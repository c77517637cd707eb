// Per-client token buckets for anonymous scan requests: `per_minute` scans a minute with a
// burst of the same size. Pure apart from the mutex (time is passed in), so tests drive it
// with a fake clock. Called from the HTTP threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>

#include "core/clock.h"
#include "core/ip_address.h"

namespace portlens::server {

class ClientLimiter {
 public:
  explicit ClientLimiter(double per_minute) : per_minute_(per_minute) {}

  // Takes one token; returns 0 when allowed, else the seconds to wait (for Retry-After).
  int take(const core::IpAddress& client, core::Clock::SteadyTime now);

 private:
  struct Bucket {
    double tokens = 0;
    core::Clock::SteadyTime updated;
  };
  double per_minute_;
  std::mutex mutex_;
  std::map<core::IpAddress, Bucket> buckets_;
};

}  // namespace portlens::server
