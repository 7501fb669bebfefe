// The SavedModels the saved_model fuzz target runs, shared with make_seeds.cc
// so that a seed's saved_model.pb and the variables the target provides for
// it come from one place. Deterministic: the same bytes on every build.
//
//   cairn::fuzz::write_seed_saved_models(fs, "/models");   // /models/0, /models/1
#pragma once

#include <string>

#include "cairn/core/errors.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/io/file_system.h"

namespace cairn::fuzz {

inline constexpr int kSeedSavedModels = 2;

// Directory of seed model `i` under `root`.
inline std::string seed_saved_model_dir(const std::string& root, int i) {
  return root + "/" + std::to_string(i);
}

inline Tensor counting_tensor(TensorShape shape, float scale) {
  Tensor t(DType::kFloat32, std::move(shape));
  float v = 0.0f;
  for (float& x : t.flat<float>()) x = scale * (v += 1.0f) - 1.0f;
  return t;
}

inline InferenceStep dense_step(const std::string& name, int64_t in, int64_t units,
                                const std::string& activation) {
  return {.kind = InferenceStep::Kind::kDense,
          .name = name,
          .kernel = counting_tensor({in, units}, 0.05f),
          .bias = counting_tensor({units}, 0.1f),
          .activation = activation};
}

// 0: an Estimator DNNClassifier export (two features, three classes);
// 1: a Keras Sequential (one [-1, 4] input, relu then softmax).
inline InferenceModel seed_saved_model(int i) {
  using Kind = InferenceOutput::Kind;
  InferenceModel m;
  if (i == 0) {
    m.name = "dnn";
    m.input_shape = {3};
    m.feature_names = {"a", "b"};
    m.feature_widths = {2, 1};
    m.column_order = {"b", "a"};
    m.steps = {dense_step("dnn/hiddenlayer_0", 3, 4, "relu"),
               dense_step("dnn/logits", 4, 3, "linear")};
    m.outputs = {{"logits", Kind::kLogits},
                 {"probabilities", Kind::kProbabilities},
                 {"class_ids", Kind::kClassIds}};
  } else {
    m.name = "sequential";
    m.input_name = "dense_input";
    m.input_shape = {4};
    m.steps = {dense_step("dense", 4, 5, "relu"), dense_step("dense_1", 5, 3, "softmax")};
    m.outputs = {{"dense_1", Kind::kActivations}};
  }
  return m;
}

inline void write_seed_saved_models(FileSystem& fs, const std::string& root) {
  for (int i = 0; i < kSeedSavedModels; ++i) {
    throw_if_error(write_saved_model(fs, seed_saved_model_dir(root, i), seed_saved_model(i)));
  }
}

}  // namespace cairn::fuzz
