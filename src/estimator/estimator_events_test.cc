// What Estimator::train writes to its event file besides the loss: a
// SessionLog START at the first step of every train call, so a run resumed
// from an older checkpoint shows each step once (read_event_runs applies
// TensorBoard's purge), and a histogram of each trainable variable with the
// scalar summaries, checked against the checkpoint's values and read back
// by an independent reader (python3-protobuf).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/formats/events/event_runs.h"
#include "estimator/estimator_test_util.h"
#include "testing/python_histograms.h"

namespace cairn::estimator {
namespace {

DNNClassifierOptions events_options(const std::string& dir) {
  DNNClassifierOptions o = testing::iris_options(dir);
  o.config.save_summary_steps = 5;
  o.config.save_checkpoints_steps = 10;
  return o;
}

EventRun train_run(const std::string& dir) {
  auto runs = value_or_throw(read_event_runs(default_file_system(), dir));
  EXPECT_EQ(runs.size(), 1u);
  return runs.empty() ? EventRun{} : runs[0];
}

std::vector<int64_t> steps_of(const EventRun& run, const std::string& tag) {
  std::vector<int64_t> steps;
  for (const ScalarEvent& s : run.scalars) {
    if (s.tag == tag) steps.push_back(s.step);
  }
  for (const HistogramEvent& h : run.histograms) {
    if (h.tag == tag) steps.push_back(h.step);
  }
  return steps;
}

std::vector<int64_t> start_steps(const std::string& dir) {
  std::vector<int64_t> steps;
  for (const std::string& file : train_run(dir).files) {
    for (const tensorflow::Event& e : value_or_throw(read_events(default_file_system(), file))) {
      if (e.session_log().status() == tensorflow::SessionLog::START) steps.push_back(e.step());
    }
  }
  return steps;
}

TEST(EstimatorEventsTest, ResumedFromAnOlderCheckpointEachStepShowsOnce) {
  cairn::testing::TempDir tmp;
  DNNClassifier first(events_options(tmp.path()));
  first.train(testing::train_input_fn(first.spec()), {.steps = 30});
  // Checkpoints at steps 1, 11, 21 and 30 (every 10 from the first). Killed
  // while saving step 30: the next train call resumes from step 21, and the
  // points written for steps 22..30 are orphans.
  std::filesystem::resize_file(tmp.path() + "/model.ckpt-30.data-00000-of-00001", 1);
  DNNClassifier second(events_options(tmp.path()));
  second.train(testing::train_input_fn(second.spec()), {.steps = 10});
  EXPECT_EQ(start_steps(tmp.path()), (std::vector<int64_t>{1, 22}));
  const EventRun run = train_run(tmp.path());
  const std::vector<int64_t> once = {1, 5, 10, 15, 20, 22, 25, 30};
  EXPECT_EQ(steps_of(run, "loss"), once);
  EXPECT_EQ(steps_of(run, "dnn/logits/kernel"), once);
}

TEST(EstimatorEventsTest, WeightHistogramsMatchTheCheckpointedVariables) {
  cairn::testing::TempDir tmp;
  const std::string dir = tmp.path() + "/m";
  DNNClassifier classifier(events_options(dir));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 10});
  const EventRun run = train_run(dir);
  CheckpointReader reader(dir + "/model.ckpt-10");
  std::map<std::string, const HistogramEvent*> at_10;
  for (const HistogramEvent& h : run.histograms) {
    if (h.step == 10) at_10[h.tag] = &h;
  }
  // The six trainable variables of a [10, 10] DNN; no slot, no global_step.
  ASSERT_EQ(at_10.size(), 6u);
  auto independent = cairn::testing::python_histograms(run.files, tmp.path());
  for (const auto& [tag, h] : at_10) {
    EXPECT_EQ(steps_of(run, tag), (std::vector<int64_t>{1, 5, 10})) << tag;
    const Tensor values = reader.get_tensor(tag);  // throws unless a variable of that name
    auto flat = values.flat<float>();
    EXPECT_EQ(h->count, static_cast<double>(flat.size())) << tag;
    EXPECT_EQ(h->min, *std::min_element(flat.begin(), flat.end())) << tag;
    EXPECT_EQ(h->max, *std::max_element(flat.begin(), flat.end())) << tag;
    if (!independent) continue;
    const cairn::testing::PythonHistogram& p = (*independent)[{tag, 10}];
    EXPECT_EQ(p.num, h->count) << tag;
    EXPECT_EQ(p.min, h->min) << tag;
    EXPECT_EQ(p.max, h->max) << tag;
  }
  if (!independent) GTEST_SKIP() << cairn::testing::python_protos_unavailable();
}

TEST(EstimatorEventsTest, NoSummariesNoHistograms) {
  cairn::testing::TempDir tmp;
  DNNClassifierOptions o = events_options(tmp.path());
  o.config.save_summary_steps = 0;
  DNNClassifier classifier(o);
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 5});
  const EventRun run = train_run(tmp.path());
  EXPECT_TRUE(run.histograms.empty());
  EXPECT_EQ(start_steps(tmp.path()), (std::vector<int64_t>{1}));
}

}  // namespace
}  // namespace cairn::estimator
