#include "core/interval_set.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <random>
#include <set>
#include <vector>

#include "core/uint128.h"

namespace portlens::core {
namespace {

using Set32 = IntervalSet<std::uint32_t>;
using Iv32 = Set32::Interval;

Set32 make(std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> ranges) {
  Set32 set;
  for (auto [first, last] : ranges) set.add(first, last);
  return set;
}

std::vector<Iv32> ivs(std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> ranges) {
  std::vector<Iv32> out;
  for (auto [first, last] : ranges) out.push_back({first, last});
  return out;
}

TEST(IntervalSet, EmptySet) {
  Set32 set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.contains(0));
  EXPECT_TRUE(set.intervals().empty());
}

TEST(IntervalSet, MergesOverlappingAndAdjacentButNotGapped) {
  auto set = make({{10, 20}, {21, 30}, {15, 25}, {32, 40}, {5, 5}, {6, 9}});
  EXPECT_EQ(set.intervals(), ivs({{5, 30}, {32, 40}}));
  EXPECT_EQ(set.size(), 26u + 9u);
}

TEST(IntervalSet, MergesContainedAndDuplicateIntervals) {
  auto set = make({{0, 100}, {10, 20}, {0, 100}, {100, 100}});
  EXPECT_EQ(set.intervals(), ivs({{0, 100}}));
  EXPECT_EQ(set.size(), 101u);
}

TEST(IntervalSet, ContainsChecksBoundaries) {
  auto set = make({{10, 20}, {30, 30}});
  EXPECT_FALSE(set.contains(9));
  EXPECT_TRUE(set.contains(10));
  EXPECT_TRUE(set.contains(20));
  EXPECT_FALSE(set.contains(21));
  EXPECT_FALSE(set.contains(29));
  EXPECT_TRUE(set.contains(30));
  EXPECT_FALSE(set.contains(31));
}

TEST(IntervalSet, AddAfterQueryRenormalizes) {
  auto set = make({{1, 2}});
  EXPECT_EQ(set.size(), 2u);
  set.add(3, 4);
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(set.intervals(), ivs({{1, 4}}));
}

TEST(IntervalSet, AddAllUnions) {
  auto a = make({{1, 5}});
  auto b = make({{6, 8}, {20, 22}});
  a.addAll(b);
  EXPECT_EQ(a.intervals(), ivs({{1, 8}, {20, 22}}));
}

TEST(IntervalSet, NthWalksAcrossIntervals) {
  auto set = make({{10, 12}, {20, 20}, {30, 31}});
  ASSERT_EQ(set.size(), 6u);
  std::vector<std::uint32_t> got;
  for (std::uint64_t i = 0; i < set.size(); ++i) got.push_back(set.nth(i));
  EXPECT_EQ(got, (std::vector<std::uint32_t>{10, 11, 12, 20, 30, 31}));
}

struct SubtractCase {
  const char* name;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> base;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cut;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> expected;
};

void PrintTo(const SubtractCase& c, std::ostream* os) { *os << c.name; }

class IntervalSetSubtract : public testing::TestWithParam<SubtractCase> {};

TEST_P(IntervalSetSubtract, Shapes) {
  const auto& c = GetParam();
  Set32 base;
  for (auto [f, l] : c.base) base.add(f, l);
  Set32 cut;
  for (auto [f, l] : c.cut) cut.add(f, l);
  base.subtract(cut);
  std::vector<Iv32> expected;
  for (auto [f, l] : c.expected) expected.push_back({f, l});
  EXPECT_EQ(base.intervals(), expected);
  std::uint64_t size = 0;
  for (auto iv : expected) size += std::uint64_t{iv.last} - iv.first + 1;
  EXPECT_EQ(base.size(), size);
}

INSTANTIATE_TEST_SUITE_P(
    AllShapes, IntervalSetSubtract,
    testing::Values(SubtractCase{"Inside", {{10, 20}}, {{13, 15}}, {{10, 12}, {16, 20}}},
                    SubtractCase{"Left", {{10, 20}}, {{5, 12}}, {{13, 20}}},
                    SubtractCase{"Right", {{10, 20}}, {{18, 25}}, {{10, 17}}},
                    SubtractCase{"Covering", {{10, 20}}, {{5, 25}}, {}},
                    SubtractCase{"Exact", {{10, 20}}, {{10, 20}}, {}},
                    SubtractCase{"FirstValue", {{10, 20}}, {{10, 10}}, {{11, 20}}},
                    SubtractCase{"LastValue", {{10, 20}}, {{20, 20}}, {{10, 19}}},
                    SubtractCase{"DisjointBefore", {{10, 20}}, {{0, 9}}, {{10, 20}}},
                    SubtractCase{"DisjointAfter", {{10, 20}}, {{21, 30}}, {{10, 20}}},
                    SubtractCase{
                        "DisjointBetween", {{10, 20}, {40, 50}}, {{25, 35}}, {{10, 20}, {40, 50}}},
                    SubtractCase{"MultipleCutsOneInterval",
                                 {{0, 100}},
                                 {{10, 19}, {30, 30}, {50, 59}, {95, 200}},
                                 {{0, 9}, {20, 29}, {31, 49}, {60, 94}}},
                    SubtractCase{"OneCutManyIntervals",
                                 {{0, 5}, {10, 15}, {20, 25}, {30, 35}},
                                 {{3, 32}},
                                 {{0, 2}, {33, 35}}},
                    SubtractCase{"Interleaved",
                                 {{0, 10}, {20, 30}, {40, 50}},
                                 {{5, 25}, {28, 42}, {45, 45}},
                                 {{0, 4}, {26, 27}, {43, 44}, {46, 50}}},
                    SubtractCase{"EmptyCut", {{1, 2}}, {}, {{1, 2}}},
                    SubtractCase{"EmptyBase", {}, {{1, 2}}, {}},
                    SubtractCase{"AtZero", {{0, 10}}, {{0, 0}}, {{1, 10}}},
                    SubtractCase{"AtMax",
                                 {{0xfffffff0u, 0xffffffffu}},
                                 {{0xffffffffu, 0xffffffffu}},
                                 {{0xfffffff0u, 0xfffffffeu}}},
                    SubtractCase{"HoleInFullRange",
                                 {{0, 0xffffffffu}},
                                 {{1, 0xfffffffeu}},
                                 {{0, 0}, {0xffffffffu, 0xffffffffu}}}),
    [](const testing::TestParamInfo<SubtractCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(IntervalSet, SubtractSelfEmpties) {
  auto set = make({{1, 5}, {9, 12}});
  set.subtract(set);
  EXPECT_TRUE(set.empty());
}

TEST(IntervalSet, SubtractUsesPendingAdds) {
  Set32 base;
  base.add(0, 10);  // never queried before subtract
  Set32 cut;
  cut.add(5, 5);
  base.subtract(cut);
  EXPECT_EQ(base.intervals(), ivs({{0, 4}, {6, 10}}));
  base.add(5, 5);
  EXPECT_EQ(base.intervals(), ivs({{0, 10}}));
}

TEST(IntervalSet, Uint32FullRangeHasTwoToThe32Values) {
  auto set = make({{0, 0xffffffffu}});
  EXPECT_EQ(set.size(), std::uint64_t{1} << 32);
  EXPECT_EQ(set.nth(0), 0u);
  EXPECT_EQ(set.nth(0xffffffffu), 0xffffffffu);
  EXPECT_TRUE(set.contains(0xffffffffu));
}

TEST(IntervalSet, Uint32MaxBoundaryMergesWithoutWrapping) {
  // last + 1 wraps to 0 at the top; an interval ending at the max must still absorb later ones
  // and must not be merged with one starting at 0.
  auto set = make({{0, 0}, {0xfffffff0u, 0xffffffffu}, {0xfffffff5u, 0xfffffffau}});
  EXPECT_EQ(set.intervals(), ivs({{0, 0}, {0xfffffff0u, 0xffffffffu}}));
  EXPECT_EQ(set.size(), 17u);
  EXPECT_EQ(set.nth(1), 0xfffffff0u);
  EXPECT_EQ(set.nth(16), 0xffffffffu);

  auto top = make({{0xffffffffu, 0xffffffffu}, {0xfffffffeu, 0xfffffffeu}});
  EXPECT_EQ(top.intervals(), ivs({{0xfffffffeu, 0xffffffffu}}));
}

TEST(IntervalSet, Uint128SetsIndexAndSaturate) {
  IntervalSet<Uint128> set;
  Uint128 base = Uint128{0x20010002ULL} << 96;
  set.add(base, base + 255);        // a /120
  set.add(base + 256, base + 511);  // adjacent: merges
  set.add(base + 1000, base + 1000);
  ASSERT_EQ(set.intervals().size(), 2u);
  EXPECT_EQ(set.size(), 513u);
  EXPECT_TRUE(set.nth(0) == base);
  EXPECT_TRUE(set.nth(511) == base + 511);
  EXPECT_TRUE(set.nth(512) == base + 1000);
  EXPECT_TRUE(set.contains(base + 1000));
  EXPECT_FALSE(set.contains(base + 999));

  IntervalSet<Uint128> cut;
  cut.add(base + 10, base + 19);
  set.subtract(cut);
  EXPECT_EQ(set.size(), 503u);
  EXPECT_TRUE(set.nth(10) == base + 20);

  IntervalSet<Uint128> huge;  // a /64 has 2^64 values: does not fit, saturates
  huge.add(0, (Uint128{1} << 64) - 1);
  EXPECT_EQ(huge.size(), UINT64_MAX);
  IntervalSet<Uint128> just_fits;  // 2^64 - 1 values
  just_fits.add(1, (Uint128{1} << 64) - 1);
  EXPECT_EQ(just_fits.size(), UINT64_MAX);
  IntervalSet<Uint128> everything;
  everything.add(0, ~Uint128{0});
  everything.add(5, 6);
  EXPECT_EQ(everything.intervals().size(), 1u);
  EXPECT_EQ(everything.size(), UINT64_MAX);
  EXPECT_TRUE(everything.nth(12345) == 12345);
}

TEST(IntervalSet, RandomizedAgainstStdSet) {
  std::mt19937 rng(20240611);
  constexpr std::uint32_t kUniverse = 200;
  std::uniform_int_distribution<std::uint32_t> value(0, kUniverse - 1);
  std::uniform_int_distribution<int> op(0, 9);
  for (int round = 0; round < 300; ++round) {
    Set32 set;
    std::set<std::uint32_t> model;
    for (int step = 0; step < 25; ++step) {
      std::uint32_t a = value(rng);
      std::uint32_t b = value(rng);
      if (a > b) std::swap(a, b);
      b = std::min(b, a + 30);
      if (op(rng) < 7) {
        set.add(a, b);
        for (auto v = a; v <= b; ++v) model.insert(v);
      } else {
        Set32 cut;
        cut.add(a, b);
        std::uint32_t c = value(rng);
        cut.add(c, c);
        set.subtract(cut);
        for (auto v = a; v <= b; ++v) model.erase(v);
        model.erase(c);
      }
      if (step % 5 != 4) continue;  // leave some adds pending across operations
      ASSERT_EQ(set.size(), model.size()) << "round " << round << " step " << step;
      std::uint64_t i = 0;
      for (auto v : model) ASSERT_EQ(set.nth(i++), v) << "round " << round;
      for (std::uint32_t v = 0; v < kUniverse; ++v) {
        ASSERT_EQ(set.contains(v), model.count(v) == 1) << "value " << v;
      }
      // Normal form: sorted, disjoint, non-adjacent.
      const auto& list = set.intervals();
      for (std::size_t k = 0; k < list.size(); ++k) {
        ASSERT_LE(list[k].first, list[k].last);
        if (k > 0) {
          ASSERT_GT(list[k].first, list[k - 1].last + 1);
        }
      }
    }
  }
}

}  // namespace
}  // namespace portlens::core
