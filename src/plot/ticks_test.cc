#include "cairn/plot/ticks.h"

#include <gtest/gtest.h>

#include <vector>

namespace cairn {
namespace {

TEST(NiceTicks, CoverTheDataWithRoundSteps) {
  const AxisTicks t = nice_ticks(0.13, 0.97, 5);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 1);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
  EXPECT_EQ(t.values, (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
}

TEST(NiceTicks, StepsOfTrainingRuns) {
  const AxisTicks t = nice_ticks(1, 1000, 6);
  EXPECT_EQ(t.step, 200);
  EXPECT_EQ(t.lo, 0);
  EXPECT_EQ(t.hi, 1000);
  const AxisTicks big = nice_ticks(100, 23456, 5);
  EXPECT_EQ(big.step, 5000);
  EXPECT_EQ(big.values, (std::vector<double>{0, 5000, 10000, 15000, 20000, 25000}));
  const AxisTicks iris = nice_ticks(1, 600, 4);  // not to 1000: the axis ends near the data
  EXPECT_EQ(iris.values, (std::vector<double>{0, 200, 400, 600}));
}

TEST(NiceTicks, NegativeRangesAndAnEmptyRangeAreCovered) {
  const AxisTicks t = nice_ticks(-3.2, -0.4, 5);
  EXPECT_LE(t.lo, -3.2);
  EXPECT_GE(t.hi, -0.4);
  EXPECT_EQ(t.values.front(), t.lo);
  const AxisTicks flat = nice_ticks(5, 5, 5);
  EXPECT_LT(flat.lo, 5);
  EXPECT_GT(flat.hi, 5);
  const AxisTicks zero = nice_ticks(0, 0, 5);
  EXPECT_LT(zero.lo, 0);
  EXPECT_GT(zero.hi, 0);
}

TEST(NiceTicks, TicksAreTheDoublesNearestTheirDecimals) {
  // Not 0.6000000000000001 (3 x 0.2): labels and grid lines land on round values.
  EXPECT_EQ(nice_ticks(0.1, 0.7, 4).values, (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8}));
  EXPECT_EQ(nice_ticks(0.1, 0.7, 7).values,
            (std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}));
  EXPECT_EQ(nice_ticks(-0.3, 0.1, 5).values, (std::vector<double>{-0.3, -0.2, -0.1, 0, 0.1}));
}

TEST(TickLabel, PrintsAsManyDecimalsAsTheStepNeeds) {
  EXPECT_EQ(tick_label(0.4, 0.2), "0.4");
  EXPECT_EQ(tick_label(1500, 500), "1500");
  EXPECT_EQ(tick_label(-3, 1), "-3");
  EXPECT_EQ(tick_label(0.05, 0.05), "0.05");
  EXPECT_EQ(tick_label(2e-6, 1e-6), "2e-06");
  EXPECT_EQ(tick_label(3e8, 1e8), "3e+08");
}

}  // namespace
}  // namespace cairn
