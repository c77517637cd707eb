// The pure parts of the SYN scanner: SipHash, cookies, shards, the resume file, the pacer and
// the rate controller.
#include <gtest/gtest.h>

#include <array>
#include <set>

#include "scan/cookie.h"
#include "scan/shard.h"
#include "scan/siphash.h"
#include "scan/syn/probe_states.h"
#include "scan/syn/rate_controller.h"
#include "scan/syn/resume_file.h"
#include "scan/syn/send_pacer.h"
#include "scan/target_space.h"

namespace portlens::scan {
namespace {

using namespace std::chrono_literals;

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

// The reference vectors of the SipHash paper: key 00..0f, message 00..(n-1).
TEST(SipHashTest, ReferenceVectors) {
  const SipKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  std::array<std::uint8_t, 15> message{};
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(sipHash24(key, {message.data(), 0}), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(sipHash24(key, {message.data(), 15}), 0xa129ca6149be45e5ULL);
  EXPECT_EQ(sipHash24(key, {message.data(), 8}), 0x93f5f5799a932462ULL);
}

TEST(CookieTest, DependsOnEveryFieldAndTheSecret) {
  const CookieJar jar({1, 2});
  const auto base = jar.cookie(ip("198.18.0.1"), ip("198.19.0.7"), 61000, 22);
  EXPECT_EQ(base, jar.cookie(ip("198.18.0.1"), ip("198.19.0.7"), 61000, 22));
  EXPECT_NE(base, jar.cookie(ip("198.18.0.2"), ip("198.19.0.7"), 61000, 22));
  EXPECT_NE(base, jar.cookie(ip("198.18.0.1"), ip("198.19.0.8"), 61000, 22));
  EXPECT_NE(base, jar.cookie(ip("198.18.0.1"), ip("198.19.0.7"), 61001, 22));
  EXPECT_NE(base, jar.cookie(ip("198.18.0.1"), ip("198.19.0.7"), 61000, 23));
  EXPECT_NE(base, CookieJar({1, 3}).cookie(ip("198.18.0.1"), ip("198.19.0.7"), 61000, 22));
  // An IPv4 address and its IPv4-mapped IPv6 form must not share cookies.
  EXPECT_NE(base, jar.cookie(ip("::ffff:198.18.0.1"), ip("::ffff:198.19.0.7"), 61000, 22));
}

TEST(CookieTest, SpreadsOverAllBits) {
  const CookieJar jar(randomSecret());
  std::set<std::uint32_t> seen;
  std::uint32_t any = 0;
  std::uint32_t all = ~0u;
  for (std::uint16_t port = 1; port <= 4096; ++port) {
    const auto c = jar.cookie(ip("198.18.0.1"), ip("198.19.0.7"), 61000, port);
    seen.insert(c);
    any |= c;
    all &= c;
  }
  EXPECT_GE(seen.size(), 4094u);  // collisions are ~2e-3 likely per pair of 4096
  EXPECT_EQ(any, ~0u);
  EXPECT_EQ(all, 0u);
}

TEST(ShardTest, ParsesOnlyValidShards) {
  EXPECT_EQ(parseShard("1/1")->count, 1u);
  EXPECT_EQ(parseShard("3/4")->index, 3u);
  for (const char* bad :
       {"0/3", "4/3", "1/0", "1", "/3", "1/", "a/b", "1/3x", "-1/3", "1/2000000"}) {
    EXPECT_FALSE(parseShard(bad).has_value()) << bad;
  }
}

TEST(ShardTest, ShardsPartitionEverySize) {
  for (std::uint64_t size : {0ULL, 1ULL, 2ULL, 7ULL, 64ULL, 1000ULL, 65535ULL}) {
    for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 10ULL}) {
      std::vector<int> hits(size, 0);
      for (std::uint64_t k = 1; k <= n; ++k) {
        const Shard shard{k, n};
        for (std::uint64_t j = 0; j < shard.size(size); ++j) {
          const std::uint64_t position = shard.position(j);
          ASSERT_LT(position, size);
          ASSERT_TRUE(shard.owns(position));
          ASSERT_EQ(shard.ordinalOf(position), j);
          ++hits[position];
        }
      }
      for (std::uint64_t p = 0; p < size; ++p)
        EXPECT_EQ(hits[p], 1) << size << " " << n << " " << p;
    }
  }
}

TEST(PermutationInverseTest, PositionOfInvertsAtForManySizes) {
  for (std::uint64_t size :
       {1ULL, 2ULL, 3ULL, 5ULL, 17ULL, 255ULL, 256ULL, 1000ULL, 65535ULL, 65536ULL, 100003ULL}) {
    const Permutation permutation(size, size * 31 + 7);
    for (std::uint64_t position = 0; position < size;
         position += std::max<std::uint64_t>(1, size / 5000)) {
      ASSERT_EQ(permutation.positionOf(permutation.at(position)), position) << size;
    }
  }
}

TEST(ProbeStatesTest, FirstSettleWinsAndSnapshotsRoundTrip) {
  syn::ProbeStates states(100);
  EXPECT_EQ(states.get(63), syn::Outcome::kPending);
  EXPECT_TRUE(states.settle(63, syn::Outcome::kOpen));
  EXPECT_FALSE(states.settle(63, syn::Outcome::kClosed));
  EXPECT_EQ(states.get(63), syn::Outcome::kOpen);
  EXPECT_TRUE(states.settle(99, syn::Outcome::kIcmpFiltered));
  syn::ProbeStates copy(100);
  ASSERT_TRUE(copy.restore(states.snapshot()));
  EXPECT_EQ(copy.get(63), syn::Outcome::kOpen);
  EXPECT_EQ(copy.get(99), syn::Outcome::kIcmpFiltered);
  EXPECT_EQ(copy.get(0), syn::Outcome::kPending);
  syn::ProbeStates other(1000);
  EXPECT_FALSE(other.restore(states.snapshot()));
}

TEST(ResumeFileTest, RoundTripsAndRefusesOtherScans) {
  core::TargetSet targets;
  targets.add(ip("198.19.0.0"), ip("198.19.0.255"));
  const auto ports = core::PortSet::range(1, 1024);
  const auto fingerprint = syn::fingerprintOf(9, Shard{2, 3}, targets, ports);
  syn::ResumePoint point;
  point.round = 2;
  point.next_ordinal = 777;
  point.states = {1, 2, 3, 0xffffffffffffffffULL};
  const std::string bytes = syn::encodeResume(fingerprint, point);
  std::string error;
  const auto decoded = syn::decodeResume(bytes, fingerprint, error);
  ASSERT_TRUE(decoded.has_value()) << error;
  EXPECT_EQ(decoded->round, 2u);
  EXPECT_EQ(decoded->next_ordinal, 777u);
  EXPECT_EQ(decoded->states, point.states);

  EXPECT_FALSE(
      syn::decodeResume(bytes, syn::fingerprintOf(10, Shard{2, 3}, targets, ports), error));
  EXPECT_NE(error.find("another scan"), std::string::npos);
  core::TargetSet more = targets;
  more.add(ip("198.19.1.1"));
  EXPECT_FALSE(syn::decodeResume(bytes, syn::fingerprintOf(9, Shard{2, 3}, more, ports), error));
  EXPECT_FALSE(syn::decodeResume(bytes.substr(0, bytes.size() - 3), fingerprint, error));
  EXPECT_FALSE(syn::decodeResume("hello\n", fingerprint, error));
  EXPECT_FALSE(syn::decodeResume("", fingerprint, error));
}

TEST(SendPacerTest, HoldsTheRateWithoutBurstsBeyondOneBatch) {
  syn::SendPacer pacer(10'000, 64);
  EXPECT_EQ(pacer.batch(), 5u);  // 10,000/s in ~2,000 batches a second
  std::uint64_t sent = 0;
  std::chrono::nanoseconds now{0};
  for (; now < 1s; now += 100us) {
    const auto granted = pacer.take(now);
    EXPECT_LE(granted, pacer.batch());
    sent += granted;
  }
  EXPECT_NEAR(double(sent), 10'000, 10);
  syn::SendPacer slow(50, 64);
  EXPECT_EQ(slow.batch(), 1u);
}

// waitTime is rounded up: waiting exactly that long always yields the batch, so a sender on a
// manual clock (or a fast real one) never spins on a zero wait. 1/3 s is 333,333,333.3 ns.
TEST(SendPacerTest, WaitingTheWaitTimeAlwaysYieldsTheBatch) {
  syn::SendPacer pacer(2000, 64);
  ASSERT_EQ(pacer.batch(), 1u);
  EXPECT_EQ(pacer.take(0ns), 1u);
  EXPECT_EQ(pacer.take(0ns), 0u);
  EXPECT_EQ(pacer.waitTime(0ns), 500us);
  EXPECT_EQ(pacer.take(500us), 1u);

  syn::SendPacer slow(3, 64);
  EXPECT_EQ(slow.take(0ns), 1u);
  const auto wait = slow.waitTime(0ns);
  EXPECT_EQ(wait, 333'333'334ns);
  EXPECT_EQ(slow.take(wait - 1ns), 0u);
  EXPECT_GT(slow.waitTime(wait - 1ns), 0ns);  // the last fraction still asks for a wait
  EXPECT_EQ(slow.take(wait), 1u);
}

TEST(RateControllerTest, GrowsWhileAnswersKeepPaceAndCutsWhenTheyStop) {
  syn::RateController controller({});
  const double start = controller.rate();
  std::chrono::nanoseconds now{0};
  std::uint64_t ordinal = 0;
  auto sendAndAnswer = [&](std::uint64_t count, double answered_share) {
    for (std::uint64_t i = 0; i < count; ++i, ++ordinal) {
      controller.onSent(ordinal, now);
      if (double(i % 100) < answered_share * 100) controller.creditAnswer(ordinal);
      now += std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / controller.rate()));
      controller.update(now, 2ms);
    }
  };
  sendAndAnswer(20'000, 1.0);
  EXPECT_GT(controller.rate(), start * 4);
  EXPECT_EQ(controller.decreases(), 0u);
  const double fast = controller.rate();
  sendAndAnswer(200'000, 0.5);  // half the answers vanish: congestion
  EXPECT_GT(controller.decreases(), 0u);
  EXPECT_LT(controller.rate(), fast);
  EXPECT_FALSE(controller.slowStart());
}

TEST(RateControllerTest, SparseAnswersAreNotMistakenForLoss) {
  syn::RateController controller({});
  std::chrono::nanoseconds now{0};
  for (std::uint64_t ordinal = 0; ordinal < 200'000; ++ordinal) {
    controller.onSent(ordinal, now);
    if (ordinal % 50 == 0) controller.creditAnswer(ordinal);  // a 2% hit rate, steady
    now += std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / controller.rate()));
    controller.update(now, 2ms);
  }
  EXPECT_EQ(controller.decreases(), 0u);
  EXPECT_GT(controller.rate(), 20'000);
}

}  // namespace
}  // namespace portlens::scan
