// `cairn-bench train --model iris`: Estimator::train of the Iris
// DNNClassifier, timed between the loop's own step logs ("loss = .., step =
// N", every 100 steps). The checkpoints saved after a call's first and last
// step fall outside that window; everything else a step does (the input
// pipeline, summaries, the save schedule) is inside it.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include "bench/bench_train_models.h"
#include "cairn/core/errors.h"
#include "cairn/estimator/estimator.h"

namespace cairn::bench::internal {
namespace {

using Clock = std::chrono::steady_clock;

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    path_ = std::string(base && *base ? base : "/tmp") + "/cairn_bench_XXXXXX";
    if (mkdtemp(path_.data()) == nullptr) {
      throw ResourceExhaustedError("cannot create a scratch directory " + path_);
    }
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// 120 examples like Iris's training set: 4 features around a per-class mean.
data::Dataset iris_like() {
  std::mt19937_64 rng(42);
  std::normal_distribution<float> noise(0.0f, 0.4f);
  const char* keys[] = {"PetalLength", "PetalWidth", "SepalLength", "SepalWidth"};
  const float means[3][4] = {
      {1.5f, 0.2f, 5.0f, 3.4f}, {4.3f, 1.3f, 5.9f, 2.8f}, {5.6f, 2.0f, 6.6f, 3.0f}};
  data::FeatureMap features;
  for (const char* key : keys) features[key] = nn::Matrix(120, 1);
  nn::Matrix labels(120, 1);
  for (Eigen::Index i = 0; i < 120; ++i) {
    const auto label = static_cast<int>(i % 3);
    labels(i, 0) = static_cast<float>(label);
    for (int f = 0; f < 4; ++f) features[keys[f]](i, 0) = means[label][f] + noise(rng);
  }
  return data::Dataset::from_tensors(std::move(features), std::move(labels));
}

// (step, time) of every step log of the current train() call.
using StepMarks = std::vector<std::pair<int64_t, Clock::time_point>>;

void record_step(const std::string& line, StepMarks& marks) {
  const std::string key = ", step = ";
  const size_t at = line.find(key);
  if (!line.starts_with("loss = ") || at == std::string::npos) return;
  marks.emplace_back(std::atoll(line.c_str() + at + key.size()), Clock::now());
}

// Steps and seconds between the second mark (the first one is the call's
// first step, before its first save) and the last.
std::pair<int64_t, double> timed_window(const StepMarks& marks) {
  if (marks.size() < 3) throw InternalError("too few step logs to time Estimator::train");
  const auto& [first_step, first_time] = marks[1];
  const auto& [last_step, last_time] = marks.back();
  return {last_step - first_step, std::chrono::duration<double>(last_time - first_time).count()};
}

}  // namespace

TrainMeasurement bench_iris(double seconds) {
  ScratchDir dir;
  auto marks = std::make_shared<StepMarks>();
  estimator::DNNClassifier classifier(
      {.feature_columns = {data::numeric_column("SepalLength"), data::numeric_column("SepalWidth"),
                           data::numeric_column("PetalLength"), data::numeric_column("PetalWidth")},
       .hidden_units = {10, 10},
       .n_classes = 3,
       .model_dir = dir.path(),
       .config = {.tf_random_seed = 42,
                  .log = [marks](const std::string& line) { record_step(line, *marks); }}});
  const data::Dataset examples = iris_like();
  auto input_fn = [&] { return examples.shuffle(1000, 0).repeat().batch(100); };
  // Warm-up, and a first estimate of the rate to size the timed call.
  classifier.train(input_fn, {.steps = 300});
  const auto [warm_steps, warm_seconds] = timed_window(*marks);
  const double rate = static_cast<double>(warm_steps) / std::max(warm_seconds, 1e-9);
  const auto hundreds = static_cast<int64_t>(std::ceil(rate * seconds / 100.0));
  marks->clear();
  classifier.train(input_fn, {.steps = 100 * (std::max<int64_t>(hundreds, 2) + 1)});
  const auto [steps, elapsed] = timed_window(*marks);
  return {.code_path = "estimator::DNNClassifier::train",
          .macs = dense_macs({4, 10, 10, 3}),
          .batch = 100,
          .steps = steps,
          .seconds = elapsed};
}

}  // namespace cairn::bench::internal
