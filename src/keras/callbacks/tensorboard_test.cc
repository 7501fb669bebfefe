// TensorBoard's histogram_freq: weight histograms every N epochs in the train
// run, tagged as tf.keras tags them ("dense/kernel_0"), with the weights'
// counts, min and max, read back by read_event_runs and by an independent
// reader (python3-protobuf).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "cairn/core/errors.h"
#include "cairn/formats/events/event_runs.h"
#include "cairn/keras/callbacks/tensorboard.h"
#include "keras/keras_test_util.h"
#include "testing/python_histograms.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using testing::small_classifier;

EventRun fit_with_histograms(Sequential& model, const std::string& logdir, int epochs,
                             int histogram_freq) {
  auto [x, y] = blobs(60, 7);
  model.fit(x, y,
            {.epochs = epochs,
             .validation_split = 0.25,
             .callbacks = {std::make_shared<TensorBoard>(
                 logdir, TensorBoardOptions{.histogram_freq = histogram_freq})},
             .verbose = 0});
  auto runs = value_or_throw(read_event_runs(default_file_system(), logdir));
  EXPECT_EQ(runs.size(), 2u);
  EXPECT_TRUE(runs.size() < 2 || runs[1].histograms.empty());  // validation: metrics only
  return runs.empty() ? EventRun{} : runs[0];
}

TEST(TensorBoardHistogramTest, EveryNEpochsOneHistogramPerWeight) {
  cairn::testing::TempDir dir;
  Sequential model = small_classifier();
  const EventRun train = fit_with_histograms(model, dir.path() + "/logs", 3, 2);
  EXPECT_EQ(train.name, "train");
  std::map<std::string, std::vector<const HistogramEvent*>> by_tag;
  for (const HistogramEvent& h : train.histograms) by_tag[h.tag].push_back(&h);
  const nn::VariableRefs weights = model.weights();
  ASSERT_EQ(weights.size(), 4u);  // two Dense layers: kernel, bias
  ASSERT_EQ(by_tag.size(), weights.size());
  auto independent = cairn::testing::python_histograms(train.files, dir.path());
  for (const nn::Variable* w : weights) {
    const std::string tag = w->name + "_0";
    EXPECT_TRUE(tag.ends_with("/kernel_0") || tag.ends_with("/bias_0")) << tag;
    const auto& points = by_tag[tag];
    ASSERT_EQ(points.size(), 2u) << tag;
    EXPECT_EQ(points[0]->step, 0);
    EXPECT_EQ(points[1]->step, 2);  // the last epoch: the weights fit() leaves
    auto values = w->value.flat<float>();
    EXPECT_EQ(points[1]->count, static_cast<double>(values.size())) << tag;
    EXPECT_EQ(points[1]->min, *std::min_element(values.begin(), values.end())) << tag;
    EXPECT_EQ(points[1]->max, *std::max_element(values.begin(), values.end())) << tag;
    if (!independent) continue;
    const cairn::testing::PythonHistogram& p = (*independent)[{tag, 2}];
    EXPECT_EQ(p.num, points[1]->count) << tag;
    EXPECT_EQ(p.min, points[1]->min) << tag;
    EXPECT_EQ(p.max, points[1]->max) << tag;
  }
  if (!independent) GTEST_SKIP() << cairn::testing::python_protos_unavailable();
}

TEST(TensorBoardHistogramTest, OffByDefaultAndNegativeFrequencyRefused) {
  cairn::testing::TempDir dir;
  Sequential model = small_classifier();
  EXPECT_TRUE(fit_with_histograms(model, dir.path() + "/logs", 2, 0).histograms.empty());
  EXPECT_THROW(TensorBoard("logs", TensorBoardOptions{.histogram_freq = -1}), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::keras
