// When a failed delivery is tried again: exponential backoff from `first`, doubling per failed
// attempt up to `longest`, and no more tries after `max_attempts` (with the defaults: 1 s, 2 s,
// 4 s ... 10 min, about 2.5 hours of retries in all). Pure.
#pragma once

#include <chrono>

namespace portlens::alerts {

struct RetryPolicy {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds longest{10 * 60 * 1000};
  int max_attempts = 24;
};

// The wait after `failed_attempts` failures (1 = the first one failed).
inline std::chrono::milliseconds retryDelay(const RetryPolicy& policy, int failed_attempts) {
  std::chrono::milliseconds delay = policy.first;
  for (int i = 1; i < failed_attempts && delay < policy.longest; ++i) delay *= 2;
  return delay < policy.longest ? delay : policy.longest;
}

}  // namespace portlens::alerts
