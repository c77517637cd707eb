#include "scan/permutation.h"

#include <gtest/gtest.h>

#include <vector>

namespace portlens::scan {
namespace {

// Every index maps to a distinct value inside [0, size): a bijection, for awkward sizes too.
TEST(PermutationTest, IsABijectionForManySizes) {
  for (std::uint64_t size :
       {1ULL, 2ULL, 3ULL, 7ULL, 64ULL, 65ULL, 1000ULL, 65535ULL, 65536ULL, 65537ULL, 131071ULL}) {
    Permutation perm(size, 42);
    std::vector<bool> seen(size, false);
    for (std::uint64_t i = 0; i < size; ++i) {
      std::uint64_t v = perm.at(i);
      ASSERT_LT(v, size) << "size " << size;
      ASSERT_FALSE(seen[v]) << "duplicate " << v << " for size " << size;
      seen[v] = true;
    }
  }
}

TEST(PermutationTest, SeedChangesOrderAndSameSeedRepeatsIt) {
  Permutation a(10000, 1);
  Permutation b(10000, 1);
  Permutation c(10000, 2);
  int differ = 0;
  for (std::uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(a.at(i), b.at(i));
    differ += a.at(i) != c.at(i);
  }
  EXPECT_GT(differ, 90);
}

// Consecutive positions should not walk through consecutive values (that would hammer one
// host's neighbouring ports or one subnet).
TEST(PermutationTest, ScattersConsecutivePositions) {
  Permutation perm(65535, 7);
  int adjacent = 0;
  for (std::uint64_t i = 0; i + 1 < 10000; ++i) {
    auto a = perm.at(i);
    auto b = perm.at(i + 1);
    adjacent += (a > b ? a - b : b - a) <= 1;
  }
  EXPECT_LT(adjacent, 20);
}

TEST(PermutationTest, ZeroSizeIsEmpty) {
  Permutation perm(0, 1);
  EXPECT_EQ(perm.size(), 0u);
}

}  // namespace
}  // namespace portlens::scan
