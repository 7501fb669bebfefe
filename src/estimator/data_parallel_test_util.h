// Test-only helpers for the estimator's data-parallel tests: training the
// same model on 1, 2 or 3 ranks (InProcessGroup threads) over one
// MemoryFileSystem, and comparing the checkpoints they end with.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/in_process_group.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator::testing {

using Tensors = std::map<std::string, Tensor>;

constexpr int64_t kRowsPerRank = 10;

// Every tensor of the newest checkpoint in `dir`.
inline Tensors newest_checkpoint(FileSystem& fs, const std::string& dir) {
  CheckpointReader reader(dir, fs);
  Tensors out;
  for (const VariableInfo& v : reader.list_variables()) {
    out.emplace(v.name, reader.get_tensor(v.name));
  }
  return out;
}

// The largest |a - b| of any float element, relative to the largest |b| of
// its tensor (elements near zero are compared at their tensor's scale).
inline double max_relative_difference(const Tensors& a, const Tensors& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (const auto& [name, expected] : b) {
    if (expected.dtype() != DType::kFloat32) continue;
    std::span<const float> x = a.at(name).flat<float>(), y = expected.flat<float>();
    double scale = 0;
    for (float v : y) scale = std::max(scale, std::fabs(double{v}));
    for (size_t i = 0; i < y.size(); ++i) {
      worst = std::max(worst, std::fabs(double{x[i]} - y[i]) / std::max(scale, 1e-30));
    }
  }
  return worst;
}

inline DNNClassifierOptions classifier(FileSystem& fs, const std::string& dir) {
  DNNClassifierOptions o = iris_options(dir);
  o.config.file_system = &fs;
  o.config.save_checkpoints_steps = 1000;
  return o;
}

inline DNNRegressorOptions regressor(FileSystem& fs, const std::string& dir) {
  DNNRegressorOptions o{.feature_columns = iris_columns(),
                        .hidden_units = {8, 4},
                        .model_dir = dir,
                        .optimizer = "Adam",
                        .learning_rate = 0.01};
  o.config = classifier(fs, dir).config;
  return o;
}

// Every global batch is the whole training set, so a resumed run sees the
// batches an uninterrupted one does.
inline data::InputFn whole_set(const ModelSpec& spec) {
  return [spec] { return make_dataset(iris_train(), spec).repeat().batch(120); };
}

// The global batches of a run: `batch` rows of the shuffled training set.
using InputFor = std::function<data::InputFn(const ModelSpec&)>;
inline InputFor shuffled(int64_t batch) {
  return [batch](const ModelSpec& spec) { return train_input_fn(spec, batch); };
}

// Trains on `ranks` threads (1: alone, on the group of one) for `steps`
// steps of `input`, each rank its own estimator made by make(group) over
// the same directory.
template <typename Make>
void train_on_ranks(int ranks, Make make, const InputFor& input, int64_t steps) {
  auto train = [&](ProcessGroup& group) {
    auto estimator = make(group);
    estimator.train(input(estimator.spec()), {.steps = steps});
  };
  if (ranks == 1) return train(single_process());
  InProcessGroup group(ranks, {.timeout_seconds = 60});
  group.run(train);
}

// What each rank builds: its estimator of `options`, on its group.
template <typename Model, typename Options>
auto on_each_rank(Options options) {
  return [options](ProcessGroup& group) {
    Options o = options;
    o.config.process_group = &group;
    return Model(o);
  };
}

}  // namespace cairn::estimator::testing
