// The merge layers: shapes they take and refuse, configs (Keras 2 and 3),
// masks, and multi-input forward/backward through the Merge interface.
#include "cairn/keras/layers/merge.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "keras/layers/layer_factory.h"
#include "nn/gradient_check.h"

namespace cairn::keras {
namespace {

using nn::Matrix;

TEST(Merge, ConcatenateShapesAlongAnyAxis) {
  EXPECT_EQ(Concatenate().build_merge({{2, 3}, {2, 5}}), (Shape{2, 8}));
  EXPECT_EQ(Concatenate({.axis = 1}).build_merge({{2, 3}, {4, 3}}), (Shape{6, 3}));
  EXPECT_EQ(Concatenate({.axis = -2}).build_merge({{2, 3}, {4, 3}}), (Shape{6, 3}));
  EXPECT_THROW(Concatenate().build_merge({{2, 3}, {3, 3}}), InvalidArgumentError);
  EXPECT_THROW(Concatenate({.axis = 3}).build_merge({{2, 3}, {2, 3}}), InvalidArgumentError);
  EXPECT_THROW(Concatenate().build_merge({{2, 3}}), InvalidArgumentError);
  EXPECT_THROW(Concatenate({.axis = 0}), InvalidArgumentError);
}

TEST(Merge, ElementwiseMergesNeedOneShape) {
  EXPECT_EQ(Add().build_merge({{2, 3}, {2, 3}, {2, 3}}), (Shape{2, 3}));
  EXPECT_THROW(Multiply().build_merge({{2, 3}, {3, 2}}), InvalidArgumentError);
  EXPECT_THROW(Subtract().build_merge({{3}, {3}, {3}}), InvalidArgumentError);
  std::mt19937_64 rng;
  EXPECT_THROW(Add().build({3}, rng), InvalidArgumentError);  // one input
}

TEST(Merge, ConcatenateForwardAndBackwardOnTheFirstAxis) {
  Concatenate cat({.axis = 1});
  cat.build_merge({{1, 2}, {2, 2}});
  Matrix a(1, 2), b(1, 4);
  a << 1, 2;
  b << 3, 4, 5, 6;
  const Matrix& y = cat.forward_merge({&a, &b});
  EXPECT_EQ(y, (Matrix(1, 6) << 1, 2, 3, 4, 5, 6).finished());
  const std::vector<Matrix>& g = cat.backward_merge(y * 2);
  EXPECT_EQ(g[0], a * 2);
  EXPECT_EQ(g[1], b * 2);
}

TEST(Merge, EachMergeComputesWhatKerasDoes) {
  const Matrix a = nn::testing::random_matrix(2, 3, 1), b = nn::testing::random_matrix(2, 3, 2);
  auto run = [&](Merge&& m) {
    m.build_merge({{3}, {3}});
    return Matrix(m.forward_merge({&a, &b}));
  };
  EXPECT_TRUE(run(Add()).isApprox(a + b));
  EXPECT_TRUE(run(Subtract()).isApprox(a - b));
  EXPECT_TRUE(run(Multiply()).isApprox(a.cwiseProduct(b)));
  EXPECT_TRUE(run(Average()).isApprox((a + b) / 2));
  EXPECT_TRUE(run(Maximum()).isApprox(a.cwiseMax(b)));
}

// Each input's gradient of sum(merge(xs) * w) against central differences.
void check_merge_gradients(Merge& merge, const std::vector<Shape>& shapes) {
  merge.build_merge(shapes);
  std::vector<Matrix> xs;
  std::vector<const Matrix*> ptrs;
  for (size_t i = 0; i < shapes.size(); ++i) {
    int64_t n = 1;
    for (int64_t d : shapes[i]) n *= d;
    xs.push_back(nn::testing::random_matrix(2, n, 10 + i));
  }
  for (const Matrix& x : xs) ptrs.push_back(&x);
  const Matrix y = merge.forward_merge(ptrs);
  const Matrix w = nn::testing::random_matrix(y.rows(), y.cols(), 7);
  const std::vector<Matrix> grads = merge.backward_merge(w);
  for (size_t i = 0; i < xs.size(); ++i) {
    auto f = [&](const Matrix& probe) {
      std::vector<const Matrix*> p = ptrs;
      p[i] = &probe;
      return nn::testing::weighted_sum(merge.forward_merge(p), w);
    };
    nn::testing::expect_gradients_near(grads[i], nn::testing::numeric_gradient(f, xs[i]),
                                       merge.class_name().c_str());
  }
}

TEST(Merge, EveryMergeGradientMatchesNumericGradients) {
  Add add;
  Subtract subtract;
  Multiply multiply;
  Average average;
  Maximum maximum;
  Concatenate last, first({.axis = 1});
  check_merge_gradients(add, {{2, 3}, {2, 3}, {2, 3}});
  check_merge_gradients(subtract, {{4}, {4}});
  check_merge_gradients(multiply, {{2, 3}, {2, 3}, {2, 3}});
  check_merge_gradients(average, {{5}, {5}});
  check_merge_gradients(maximum, {{2, 3}, {2, 3}, {2, 3}});
  check_merge_gradients(last, {{2, 3}, {2, 1}});
  check_merge_gradients(first, {{2, 3}, {1, 3}, {3, 3}});
}

TEST(Merge, MasksArePresentWhereEveryInputHasThem) {
  Add add;
  add.build_merge({{3, 2}, {3, 2}});
  Matrix m1(1, 3), m2(1, 3);
  m1 << 1, 1, 0;
  m2 << 1, 0, 1;
  EXPECT_EQ(*add.merge_masks({&m1, &m2}), (Matrix(1, 3) << 1, 0, 0).finished());
  EXPECT_EQ(*add.merge_masks({&m1, nullptr}), m1);
  EXPECT_FALSE(add.merge_masks({nullptr, nullptr}).has_value());
  // Along the steps, Concatenate joins the masks (a missing one: all present).
  Concatenate steps({.axis = 1});
  steps.build_merge({{3, 2}, {2, 2}});
  EXPECT_EQ(*steps.merge_masks({&m1, nullptr}), (Matrix(1, 5) << 1, 1, 0, 1, 1).finished());
  Concatenate features;
  features.build_merge({{3, 2}, {3, 4}});
  EXPECT_EQ(*features.merge_masks({&m1, &m2}), (Matrix(1, 3) << 1, 0, 0).finished());
}

TEST(Merge, ConfigsRoundTripAndReadKeras3) {
  for (const char* cls : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Concatenate"}) {
    const Json keras3 = Json::parse(R"({"name": "m", "trainable": true, "axis": 1,
        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                  "registered_name": null}})");
    LayerPtr layer = internal::layer_from_config(cls, keras3);
    EXPECT_EQ(layer->class_name(), cls);
    EXPECT_EQ(layer->name(), "m");
    const Json config = layer->config();
    EXPECT_EQ(internal::layer_from_config(cls, config)->config(), config) << cls;
  }
  EXPECT_EQ(Concatenate({.axis = 2}).config()["axis"], 2);
  EXPECT_THROW(Concatenate::from_config(Json::parse(R"({"name": "c", "axis": "x"})")),
               InvalidArgumentError);
  EXPECT_THROW(Concatenate::from_config(Json::parse(R"({"name": "c", "axis": 1e12})")),
               InvalidArgumentError);
  EXPECT_THROW(Concatenate::from_config(Json::parse(R"({"name": "c", "axis": 99999999})")),
               InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::keras
