// Keras's Progbar lines, character for character, on a clock the test moves.
#include "keras/callbacks/progress_bar.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cairn::keras::internal {
namespace {

struct FakeClock {
  double now = 50;
  std::function<double()> function() {
    return [this] { return now; };
  }
};

const Logs kLogs{{"loss", 0.4102}, {"accuracy", 0.89}};

TEST(KerasProgressBarTest, TerminalRedrawsTheBatchLineThenWritesTheEpochLine) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, 32, /*verbose=*/1, /*dynamic=*/true, clock.function());
  clock.now += 1;
  bar.update(7, kLogs);
  clock.now += 2.2;
  bar.update(32, kLogs);  // the last batch: the epoch line follows
  bar.finish(kLogs);
  EXPECT_EQ(out.str(),
            "\r 7/32 [=====>........................] - ETA: 4s - loss: 0.4102 - accuracy: 0.8900"
            "\r32/32 [==============================] - 3s 100ms/step - loss: 0.4102"
            " - accuracy: 0.8900\n");
}

TEST(KerasProgressBarTest, EtaBeyondAMinuteIsMinutesAndSecondsAsKerasWritesIt) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, 32, /*verbose=*/1, /*dynamic=*/true, clock.function());
  clock.now += 10;
  bar.update(1, {});
  EXPECT_EQ(out.str(), "\r 1/32 [..............................] - ETA: 5:10");
}

TEST(KerasProgressBarTest, NoTerminalOnlyTheEpochLine) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, 2, /*verbose=*/1, /*dynamic=*/false, clock.function());
  bar.update(1, kLogs);
  clock.now += 0.004;
  bar.finish(kLogs);
  EXPECT_EQ(
      out.str(),
      "2/2 [==============================] - 0s 2ms/step - loss: 0.4102 - accuracy: 0.8900\n");
}

TEST(KerasProgressBarTest, VerboseTwoIsCountTimeAndLogs) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, 2, /*verbose=*/2, /*dynamic=*/true, clock.function());
  bar.update(1, kLogs);
  clock.now += 1.4;
  bar.finish(kLogs);
  EXPECT_EQ(out.str(), "2/2 - 1s - loss: 0.4102 - accuracy: 0.8900\n");
}

}  // namespace
}  // namespace cairn::keras::internal
