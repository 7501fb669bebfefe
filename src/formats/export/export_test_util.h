// Helpers for the exporters' interop tests (onnx_writer_test.cc,
// tfjs_writer_test.cc): InferenceModels with random weights, a reference
// forward pass in double precision, and running the Node.js scripts of
// scripts/interop/ against the runtimes scripts/install-node-deps.sh puts in
// .cache/node. Test-only code.
//
//   std::mt19937 rng(7);
//   model.steps.push_back(dense_step(rng, "dense", 4, 10, "relu"));
//   std::vector<float> x = random_values(rng, 3 * 4);
//   Rows y = reference_forward(model, x, 3);
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cairn/formats/export/inference_model.h"
#include "testing/test_util.h"

namespace cairn::testing {

using Json = nlohmann::json;

// One row of values per example, the example's dimensions flattened.
using Rows = std::vector<std::vector<double>>;

inline std::vector<float> random_values(std::mt19937& rng, int64_t n, float scale = 1.0f) {
  std::uniform_real_distribution<float> u(-scale, scale);
  std::vector<float> values(static_cast<size_t>(n));
  for (float& v : values) v = u(rng);
  return values;
}

// A Dense step with random weights; no bias when `use_bias` is false.
inline InferenceStep dense_step(std::mt19937& rng, const std::string& name, int64_t inputs,
                                int64_t units, const std::string& activation,
                                bool use_bias = true) {
  InferenceStep step{.kind = InferenceStep::Kind::kDense, .name = name, .activation = activation};
  step.kernel = Tensor::from_vector(random_values(rng, inputs * units), {inputs, units});
  if (use_bias) step.bias = Tensor::from_vector(random_values(rng, units), {units});
  return step;
}

// Applies `activation` to every group of `last_dim` values of `row`.
inline void apply_activation(const std::string& activation, int64_t last_dim,
                             std::vector<double>& row) {
  for (double& v : row) {
    if (activation == "relu") v = std::max(v, 0.0);
    if (activation == "tanh") v = std::tanh(v);
    if (activation == "sigmoid") v = 1 / (1 + std::exp(-v));
    if (activation == "elu") v = v > 0 ? v : std::expm1(v);
  }
  if (activation != "softmax") return;
  for (size_t start = 0; start < row.size(); start += static_cast<size_t>(last_dim)) {
    auto begin = row.begin() + static_cast<std::ptrdiff_t>(start);
    auto end = begin + last_dim;
    const double top = *std::max_element(begin, end);
    double sum = 0;
    for (auto it = begin; it != end; ++it) sum += (*it = std::exp(*it - top));
    for (auto it = begin; it != end; ++it) *it /= sum;
  }
}

inline std::vector<double> dense_forward(const InferenceStep& step, const std::vector<double>& x) {
  const int64_t units = step.kernel.shape().dim(1);
  std::vector<double> y(static_cast<size_t>(units), 0.0);
  auto k = step.kernel.flat<float>();
  for (int64_t j = 0; j < units; ++j) {
    double sum = step.has_bias() ? step.bias.flat<float>()[static_cast<size_t>(j)] : 0.0;
    for (size_t i = 0; i < x.size(); ++i) sum += x[i] * k[i * static_cast<size_t>(units) + j];
    y[static_cast<size_t>(j)] = sum;
  }
  return y;
}

// The last step's output for the `batch` examples in `x` (row-major).
inline Rows reference_forward(const InferenceModel& model, const std::vector<float>& x,
                              int64_t batch) {
  const size_t width = static_cast<size_t>(model.input_width());
  Rows rows;
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<double> row(x.begin() + static_cast<std::ptrdiff_t>(b * width),
                            x.begin() + static_cast<std::ptrdiff_t>((b + 1) * width));
    int64_t last_dim = model.input_shape.back();
    for (const InferenceStep& step : model.steps) {
      if (step.kind == InferenceStep::Kind::kFlatten) last_dim = static_cast<int64_t>(row.size());
      if (step.kind == InferenceStep::Kind::kDense) {
        row = dense_forward(step, row);
        last_dim = static_cast<int64_t>(row.size());
      }
      apply_activation(step.kind == InferenceStep::Kind::kFlatten ? "linear" : step.activation,
                       last_dim, row);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// What `kind` makes of the last step's output `y` (class ids as doubles).
inline Rows reference_output(const Rows& y, InferenceOutput::Kind kind, bool binary_head) {
  Rows out;
  for (std::vector<double> row : y) {
    using Kind = InferenceOutput::Kind;
    if (kind == Kind::kLogistic || (kind == Kind::kProbabilities && binary_head)) {
      apply_activation("sigmoid", 1, row);
      if (kind == Kind::kProbabilities) row = {1 - row[0], row[0]};
    } else if (kind == Kind::kProbabilities) {
      apply_activation("softmax", static_cast<int64_t>(row.size()), row);
    } else if (kind == Kind::kClassIds) {
      const auto top = std::max_element(row.begin(), row.end()) - row.begin();
      row = {binary_head ? (row[0] > 0 ? 1.0 : 0.0) : static_cast<double>(top)};
    }
    out.push_back(std::move(row));
  }
  return out;
}

// Largest |got - want| over every element; `got` is row-major. Fails the
// test (and returns infinity) when the sizes differ.
inline double max_abs_difference(const Json& got, const Rows& want) {
  size_t n = 0;
  for (const auto& row : want) n += row.size();
  EXPECT_EQ(got.size(), n);
  if (got.size() != n) return INFINITY;
  double worst = 0;
  size_t i = 0;
  for (const auto& row : want) {
    for (double w : row) worst = std::max(worst, std::abs(got[i++].get<double>() - w));
  }
  return worst;
}

// Where scripts/install-node-deps.sh installs the JavaScript runtimes.
inline std::string node_modules_dir() {
  return std::string(CAIRN_SOURCE_DIR) + "/.cache/node/node_modules";
}

enum class NodeSetup { kReady, kNoNode, kNoPackage };

// Whether `node` is on PATH and `package` is installed in node_modules_dir().
inline NodeSetup node_setup(const std::string& package) {
  if (run_command("command -v node").exit_code != 0) return NodeSetup::kNoNode;
  const std::string manifest = node_modules_dir() + "/" + package + "/package.json";
  if (run_command("test -f " + shell_quote(manifest)).exit_code != 0) return NodeSetup::kNoPackage;
  return NodeSetup::kReady;
}

// Skips the test without node; fails it when node is there but `package` is not.
#define CAIRN_REQUIRE_NODE_PACKAGE(package)                                               \
  do {                                                                                    \
    switch (::cairn::testing::node_setup(package)) {                                      \
      case ::cairn::testing::NodeSetup::kNoNode:                                          \
        GTEST_SKIP() << "node is not on PATH: skipping the " package " interop check";    \
      case ::cairn::testing::NodeSetup::kNoPackage:                                       \
        FAIL() << package " is not installed in " << ::cairn::testing::node_modules_dir() \
               << ": run `make deps` (scripts/install-node-deps.sh)";                     \
      case ::cairn::testing::NodeSetup::kReady:                                           \
        break;                                                                            \
    }                                                                                     \
  } while (0)

// Runs scripts/interop/`script` with `args` and parses what it prints.
// Fails the test (returning null) when it exits non-zero.
inline Json run_node_script(const std::string& script, const std::string& args) {
  const std::string path = std::string(CAIRN_SOURCE_DIR) + "/scripts/interop/" + script;
  CommandResult run = run_command("NODE_PATH=" + shell_quote(node_modules_dir()) + " node " +
                                  shell_quote(path) + " " + args);
  EXPECT_EQ(run.exit_code, 0) << script << " failed:\n" << run.err;
  if (run.exit_code != 0) return Json();
  return Json::parse(run.out, nullptr, false);
}

}  // namespace cairn::testing
