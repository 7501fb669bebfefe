// Estimator::train reports its steps to a Progress: done of this call's
// steps, from the step it resumed at, one report per step.
#include <gtest/gtest.h>

#include "cairn/core/progress.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

using testing::iris_options;

struct StepsHeard : Progress {
  void update(int64_t done, int64_t total, ProgressUnit unit) override {
    EXPECT_EQ(unit, ProgressUnit::kSteps);
    reports.emplace_back(done, total);
  }
  std::vector<std::pair<int64_t, int64_t>> reports;  // (done, total)
};

std::vector<std::pair<int64_t, int64_t>> each_step_of(int64_t total) {
  std::vector<std::pair<int64_t, int64_t>> reports;
  for (int64_t done = 1; done <= total; ++done) reports.emplace_back(done, total);
  return reports;
}

TEST(TrainProgressTest, EachStepOfTheCallIsReportedAlsoWhenResuming) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(iris_options(tmp.path()));
  StepsHeard first, second, third;
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 12, .progress = &first});
  EXPECT_EQ(first.reports, each_step_of(12));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 5, .progress = &second});
  EXPECT_EQ(second.reports, each_step_of(5));
  classifier.train(testing::train_input_fn(classifier.spec()),
                   {.max_steps = 20, .progress = &third});  // from step 17
  EXPECT_EQ(third.reports, each_step_of(3));
}

TEST(TrainProgressTest, ExhaustedInputStopsShortOfTheTotal) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(iris_options(tmp.path()));
  StepsHeard heard;
  auto two_batches = [spec = classifier.spec()] {
    return make_dataset(testing::iris_train(), spec).batch(60);  // 120 rows: 2 batches
  };
  classifier.train(two_batches, {.steps = 10, .progress = &heard});
  EXPECT_EQ(heard.reports, (std::vector<std::pair<int64_t, int64_t>>{{1, 10}, {2, 10}}));
}

}  // namespace
}  // namespace cairn::estimator
