#include "server/client_limiter.h"

#include <gtest/gtest.h>

namespace portlens::server {
namespace {

TEST(ClientLimiter, BurstThenRetryAfterThenRefill) {
  ClientLimiter limiter(3);  // 3 a minute
  const auto a = core::IpAddress::parse("203.0.113.5").value();
  const auto b = core::IpAddress::parse("2001:db8::5").value();
  core::Clock::SteadyTime t{};
  EXPECT_EQ(limiter.take(a, t), 0);
  EXPECT_EQ(limiter.take(a, t), 0);
  EXPECT_EQ(limiter.take(a, t), 0);
  EXPECT_EQ(limiter.take(a, t), 20);  // one token every 20 s
  EXPECT_EQ(limiter.take(b, t), 0);   // buckets are per client
  EXPECT_EQ(limiter.take(a, t + std::chrono::seconds(19)), 1);
  EXPECT_EQ(limiter.take(a, t + std::chrono::seconds(21)), 0);
}

TEST(ClientLimiter, ZeroMeansNever) {
  ClientLimiter limiter(0);
  EXPECT_GT(limiter.take(core::IpAddress::parse("203.0.113.5").value(), {}), 0);
}

}  // namespace
}  // namespace portlens::server
