// Test-only: running one kernel through the graph interpreter, and
// TensorFlow.js (scripts/interop/tfjs_ops.js) as the independent oracle of
// its values: each test file collects its cases and runs node once.
//
//   TfjsOracle tfjs;
//   const size_t k = tfjs.add("conv2d", {x, filter}, {{"strides", 1}, {"pad", "same"}});
//   auto got = run_op("Conv2D", {x, filter}, {{"padding", string_attr("SAME")}, ...});
//   tfjs.expect_near(k, (*got)[0]);   // after tfjs.run()
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cairn/formats/graph/graph_builder.h"
#include "formats/export/export_test_util.h"
#include "serving/graph_runner.h"

namespace cairn::serving::internal {

using Json = nlohmann::json;

// The outputs 0..outputs-1 of a node "node" of `op` whose inputs are
// placeholders fed with `inputs`, run with a budget of `max_run_bytes`.
inline Result<std::vector<Tensor>> run_op(const std::string& op, const std::vector<Tensor>& inputs,
                                          AttrList attrs = {}, int outputs = 1,
                                          int64_t max_run_bytes = int64_t{1} << 30) {
  GraphBuilder b;
  std::map<std::string, Tensor> feeds;
  std::vector<std::string> names;
  for (size_t i = 0; i < inputs.size(); ++i) {
    names.push_back("in_" + std::to_string(i));
    b.placeholder(names.back(), inputs[i].dtype(), inputs[i].shape().dims());
    feeds.emplace(names.back(), inputs[i]);
  }
  b.op("node", op, names, std::move(attrs));
  CAIRN_ASSIGN_OR_RETURN(auto runner, GraphRunner::create(b.graph(), {}, max_run_bytes));
  std::vector<std::string> fetches;
  for (int k = 0; k < outputs; ++k) fetches.push_back("node:" + std::to_string(k));
  return runner->run(feeds, fetches);
}

// run_op's one output; fails the test (returning an empty tensor) on error.
inline Tensor run_one(const std::string& op, const std::vector<Tensor>& inputs,
                      AttrList attrs = {}) {
  auto out = run_op(op, inputs, std::move(attrs));
  EXPECT_TRUE(out.ok()) << op << ": " << out.status().to_string();
  return out.ok() ? (*out)[0] : Tensor();
}

inline tensorflow::AttrValue int_list_attr(const std::vector<int64_t>& values) {
  tensorflow::AttrValue a;
  for (int64_t v : values) a.mutable_list()->add_i(v);
  return a;
}

// An int32 vector tensor of `v` (axes, shapes and indices of ops).
inline Tensor ints(const std::vector<int32_t>& v) {
  return Tensor::from_vector(v, {static_cast<int64_t>(v.size())});
}

// Random float32 values in [lo, hi) of `shape`.
inline Tensor random_floats(std::mt19937& rng, TensorShape shape, float lo = -1, float hi = 1) {
  Tensor t(DType::kFloat32, std::move(shape));
  std::uniform_real_distribution<float> u(lo, hi);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// TensorFlow.js's results for the cases added, computed by one node process.
class TfjsOracle {
 public:
  // Adds a case of tfjs_ops.js's `op` on `inputs` (numeric tensors); returns
  // its index for expect_near().
  size_t add(const std::string& op, const std::vector<Tensor>& inputs, Json args = Json::object()) {
    Json tensors = Json::array();
    for (const Tensor& t : inputs) {
      Json data = Json::array();
      for (int64_t i = 0; i < t.num_elements(); ++i) data.push_back(t.element_as_double(i));
      const bool integral = t.dtype() == DType::kInt32 || t.dtype() == DType::kInt64;
      tensors.push_back(
          {{"dtype", integral ? "int32" : "float32"}, {"dims", t.shape().dims()}, {"data", data}});
    }
    cases_.push_back({{"op", op}, {"inputs", tensors}, {"args", std::move(args)}});
    return cases_.size() - 1;
  }

  // Runs node on every case; false (the test then skips or has failed) when
  // node or tfjs is missing or the script fails.
  bool run() {
    const std::string path = dir_.path() + "/cases.json";
    std::ofstream(path) << cases_.dump();
    results_ = testing::run_node_script("tfjs_ops.js", testing::shell_quote(path));
    EXPECT_TRUE(results_.is_array() && results_.size() == cases_.size());
    return results_.is_array() && results_.size() == cases_.size();
  }

  // `got` has case k's shape and values within 1e-5 relative (1e-5 absolute
  // near zero).
  void expect_near(size_t k, const Tensor& got, double tolerance = 1e-5) const {
    const Json& want = results_[k];
    EXPECT_EQ(got.shape().dims(), want["dims"].get<std::vector<int64_t>>()) << "case " << k;
    if (static_cast<int64_t>(want["data"].size()) != got.num_elements()) return;
    for (int64_t i = 0; i < got.num_elements(); ++i) {
      const double w = want["data"][static_cast<size_t>(i)].get<double>();
      EXPECT_NEAR(got.element_as_double(i), w, tolerance * std::max(1.0, std::abs(w)))
          << "case " << k << " (" << cases_[k]["op"] << ") element " << i;
    }
  }

 private:
  Json cases_ = Json::array();
  Json results_;
  testing::TempDir dir_;
};

}  // namespace cairn::serving::internal
