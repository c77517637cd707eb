#include "server/client_limiter.h"

#include <algorithm>
#include <cmath>

namespace portlens::server {

int ClientLimiter::take(const core::IpAddress& client, core::Clock::SteadyTime now) {
  if (per_minute_ <= 0) return 60;
  std::lock_guard lock(mutex_);
  // Forget idle clients so the map cannot grow without bound.
  if (buckets_.size() > 100000) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{per_minute_, now});
  Bucket& bucket = it->second;
  const double minutes = std::chrono::duration<double>(now - bucket.updated).count() / 60.0;
  bucket.tokens = std::min(per_minute_, bucket.tokens + minutes * per_minute_);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  const double wait = (1 - bucket.tokens) / per_minute_ * 60.0;
  return std::max(1, static_cast<int>(std::ceil(wait - 1e-6)));  // 1e-6: float noise
}

}  // namespace portlens::server
