#include "cairn/core/progress_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace cairn {
namespace {

TEST(ProgressFormatTest, BarIsKerasBarWithAHeadWhileUnfinished) {
  EXPECT_EQ(progress_bar_text(7, 32, 30), "[=====>........................]");
  EXPECT_EQ(progress_bar_text(0, 32, 30), "[..............................]");
  EXPECT_EQ(progress_bar_text(32, 32, 30), "[==============================]");
  EXPECT_EQ(progress_bar_text(0, 0, 10), "[==========]");  // nothing to do is done
  EXPECT_EQ(progress_bar_text(50, 40, 4), "[====]");       // more than the total: full
  const int64_t huge = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(progress_bar_text(huge / 2, huge, 4), "[=>..]");
}

TEST(ProgressFormatTest, DurationsAsKerasWritesAnEta) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(7.4), "7s");
  EXPECT_EQ(format_duration(7.6), "8s");
  EXPECT_EQ(format_duration(60), "60s");
  EXPECT_EQ(format_duration(61), "1:01");
  EXPECT_EQ(format_duration(125.4), "2:05");
  EXPECT_EQ(format_duration(3600), "60:00");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-3), "0s");
}

TEST(ProgressFormatTest, AmountsInThousandsForBytesAndWordsForCounts) {
  EXPECT_EQ(format_amount(0, ProgressUnit::kBytes), "0 B");
  EXPECT_EQ(format_amount(999, ProgressUnit::kBytes), "999 B");
  EXPECT_EQ(format_amount(1000, ProgressUnit::kBytes), "1.0 kB");
  EXPECT_EQ(format_amount(12'600'000, ProgressUnit::kBytes), "12.6 MB");
  EXPECT_EQ(format_amount(999'960, ProgressUnit::kBytes), "1.0 MB");  // not "1000.0 kB"
  EXPECT_EQ(format_amount(3'200'000'000'000, ProgressUnit::kBytes), "3.2 TB");
  EXPECT_EQ(format_amount(1, ProgressUnit::kSteps), "1 step");
  EXPECT_EQ(format_amount(150, ProgressUnit::kSteps), "150 steps");
  EXPECT_EQ(format_amount(2, ProgressUnit::kCheckpoints), "2 checkpoints");
  EXPECT_EQ(format_amount(1, ProgressUnit::kTensors), "1 tensor");
}

TEST(ProgressFormatTest, FractionsInTheTotalsUnit) {
  EXPECT_EQ(format_fraction(5'300'000, 12'600'000, ProgressUnit::kBytes), "5.3 MB/12.6 MB");
  EXPECT_EQ(format_fraction(150, 200, ProgressUnit::kSteps), "150/200 steps");
  EXPECT_EQ(format_fraction(150, 200, ProgressUnit::kSteps, " of "), "150 of 200 steps");
}

TEST(ProgressFormatTest, RatesWithAboutThreeDigits) {
  EXPECT_EQ(format_rate(12'300'000, ProgressUnit::kBytes), "12.3 MB/s");
  EXPECT_EQ(format_rate(512, ProgressUnit::kBytes), "512 B/s");
  EXPECT_EQ(format_rate(450, ProgressUnit::kSteps), "450 steps/s");
  EXPECT_EQ(format_rate(12.5, ProgressUnit::kSteps), "12.5 steps/s");
  EXPECT_EQ(format_rate(0.52, ProgressUnit::kSteps), "0.52 steps/s");
}

}  // namespace
}  // namespace cairn
