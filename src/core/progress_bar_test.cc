// ProgressBar on a stream that is no terminal (plain lines, throttled) and
// in terminal mode (one line redrawn with "\r"), on a clock the test moves.
#include "cairn/core/progress_bar.h"

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

namespace cairn {
namespace {

struct FakeClock {
  double now = 100;  // any origin
  std::function<double()> function() {
    return [this] { return now; };
  }
};

// `line` drawn over one `previous_width` characters wide.
std::string redrawn(const std::string& line, size_t previous_width = 0) {
  return "\r" + line +
         std::string(previous_width > line.size() ? previous_width - line.size() : 0, ' ');
}

TEST(ProgressBarTest, PlainLinesEveryTenPercentAtLeastFiveSecondsApartThenTheTotals) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, {.label = "verify", .clock = clock.function()});
  for (int k = 1; k <= 20; ++k) {  // 0.5 MB a second, 10 MB in all
    clock.now += 1;
    bar.update(k * 500'000, 10'000'000, ProgressUnit::kBytes);
  }
  bar.finish();
  bar.finish();  // once only
  EXPECT_EQ(out.str(),
            "verify: 25% (2.5 MB of 10.0 MB), 500.0 kB/s, ETA 15s\n"
            "verify: 50% (5.0 MB of 10.0 MB), 500.0 kB/s, ETA 10s\n"
            "verify: 75% (7.5 MB of 10.0 MB), 500.0 kB/s, ETA 5s\n"
            "verify: 100% (10.0 MB of 10.0 MB; 10,000,000 bytes) in 20s, 500.0 kB/s\n");
}

TEST(ProgressBarTest, PlainLinesAtMostOnePerTenPercent) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, {.label = "train", .plain_min_seconds = 0, .clock = clock.function()});
  for (int step = 1; step <= 40; ++step) {
    clock.now += 0.5;
    bar.update(step, 40, ProgressUnit::kSteps);
  }
  bar.finish();
  std::string expected;
  for (int tenth = 1; tenth <= 9; ++tenth) {
    const int step = 4 * tenth;
    expected += "train: " + std::to_string(10 * tenth) + "% (" + std::to_string(step) +
                " of 40 steps), 2.00 steps/s, ETA " + std::to_string((40 - step) / 2) + "s\n";
  }
  expected += "train: 100% (40 of 40 steps) in 20s, 2.00 steps/s\n";
  EXPECT_EQ(out.str(), expected);
}

TEST(ProgressBarTest, StoppedEarlyTheLastLineSaysHowFar) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, {.label = "train", .clock = clock.function()});
  clock.now += 3;
  bar.update(150, 200, ProgressUnit::kSteps);
  bar.finish();
  EXPECT_EQ(out.str(), "train: 75% (150 of 200 steps) in 3s, 50.0 steps/s\n");
}

TEST(ProgressBarTest, UnknownTotalShowsAmountAndRateOnly) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, {.label = "export", .clock = clock.function()});
  for (int k = 1; k <= 7; ++k) {
    clock.now += 10;
    bar.update(k * 1'000'000, 0, ProgressUnit::kBytes);
  }
  bar.finish();
  EXPECT_EQ(out.str(),
            "export: 3.0 MB, 100.0 kB/s\n"
            "export: 6.0 MB, 100.0 kB/s\n"
            "export: 7.0 MB (7,000,000 bytes) in 1:10, 100.0 kB/s\n");
}

TEST(ProgressBarTest, NothingWithoutUpdates) {
  std::ostringstream out;
  {
    ProgressBar bar(out, {.label = "train", .terminal = true});
    bar.finish();
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressBarTest, TerminalRedrawsOneLineWithRateAndEtaAtMostTenTimesASecond) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, {.label = "train", .terminal = true, .clock = clock.function()});
  clock.now += 1;
  bar.update(50, 200, ProgressUnit::kSteps);
  clock.now += 0.05;
  bar.update(52, 200, ProgressUnit::kSteps);  // too soon: not drawn
  clock.now += 0.95;
  bar.update(100, 200, ProgressUnit::kSteps);
  clock.now += 2;
  bar.update(200, 200, ProgressUnit::kSteps);
  bar.finish();
  const std::string first =
      "train  25% [======>.......................] 50/200 steps  50.0 steps/s  ETA 3s";
  const std::string second =
      "train  50% [==============>...............] 100/200 steps  50.0 steps/s  ETA 2s";
  const std::string third =
      "train 100% [==============================] 200/200 steps  50.0 steps/s  ETA 0s";
  const std::string last = "train: 100% (200 of 200 steps) in 4s, 50.0 steps/s";
  EXPECT_EQ(out.str(), redrawn(first) + redrawn(second, first.size()) +
                           redrawn(third, second.size()) + redrawn(last, third.size()) + "\n");
}

TEST(ProgressBarTest, TerminalBarShowsBytesAndByteRate) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, {.label = "verify", .terminal = true, .clock = clock.function()});
  clock.now += 2;
  bar.update(24'600'000, 100'000'000, ProgressUnit::kBytes);
  EXPECT_EQ(out.str(),
            "\rverify  24% [======>.......................] 24.6 MB/100.0 MB  12.3 MB/s  ETA 6s");
}

TEST(ProgressBarTest, LinesPrintedAboveTheBarLeaveItWhole) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, {.label = "train", .terminal = true, .clock = clock.function()});
  clock.now += 1;
  bar.update(10, 20, ProgressUnit::kSteps);
  const std::string drawn =
      "train  50% [==============>...............] 10/20 steps  10.0 steps/s  ETA 1s";
  out.str("");
  bar.print_above("INFO:cairn:loss = 0.5, step = 10");
  EXPECT_EQ(out.str(),
            redrawn("INFO:cairn:loss = 0.5, step = 10", drawn.size()) + "\n" + redrawn(drawn));
}

TEST(ProgressBarTest, ABarLeftDrawnEndsItsLine) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar(out, {.label = "train", .terminal = true, .clock = clock.function()});
    bar.update(1, 2, ProgressUnit::kSteps);
  }
  EXPECT_EQ(out.str().back(), '\n');
}

TEST(ProgressBarTest, OnlyTheStandardStreamsCanBeTerminals) {
  std::ostringstream out;
  EXPECT_FALSE(is_terminal(out));
}

}  // namespace
}  // namespace cairn
