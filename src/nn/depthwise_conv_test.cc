#include "cairn/nn/depthwise_conv.h"

#include <gtest/gtest.h>

#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

DepthwiseConv make_depthwise(Padding padding, int64_t stride, int64_t dilation, int64_t multiplier,
                             bool use_bias) {
  ConvGeometry g{
      .height = conv_axis(
          {.input = 6, .kernel = 3, .stride = stride, .dilation = dilation, .padding = padding}),
      .width = conv_axis(
          {.input = 5, .kernel = 2, .stride = stride, .dilation = dilation, .padding = padding}),
      .channels = 3};
  DepthwiseConv dw({.name = "dw",
                    .geometry = g,
                    .depth_multiplier = multiplier,
                    .activation = Activation::kTanh,
                    .use_bias = use_bias});
  for (Variable* v : dw.variables()) {
    value_matrix(*v, 1, v->value.num_elements()) =
        random_matrix(1, v->value.num_elements(), 9, -0.5f, 0.5f);
  }
  return dw;
}

TEST(DepthwiseConvTest, EachChannelHasItsOwnFilters) {
  // A 1x1 kernel: output channel c*M + m is input channel c times W[c, m].
  ConvGeometry g{.height = conv_axis({.input = 1, .kernel = 1}),
                 .width = conv_axis({.input = 2, .kernel = 1}),
                 .channels = 2};
  DepthwiseConv dw({.name = "dw", .geometry = g, .depth_multiplier = 2, .use_bias = false});
  value_matrix(dw.kernel(), 1, 4) << 1, 2, 3, 4;  // [c0: m0 m1, c1: m0 m1]
  Matrix x(1, 4);
  x << 10, 100, 20, 200;  // pixels (10, 100), (20, 200)
  Matrix expected(1, 8);
  expected << 10, 20, 300, 400, 20, 40, 600, 800;
  EXPECT_EQ(dw.forward(x), expected);
}

struct DepthwiseCase {
  Padding padding;
  int64_t stride, dilation, multiplier;
  bool use_bias;
};

class DepthwiseConvGradientTest : public ::testing::TestWithParam<DepthwiseCase> {};

TEST_P(DepthwiseConvGradientTest, BackwardEqualsNumericGradients) {
  const DepthwiseCase c = GetParam();
  DepthwiseConv dw = make_depthwise(c.padding, c.stride, c.dilation, c.multiplier, c.use_bias);
  const Matrix x = random_matrix(2, 6 * 5 * 3, 2);
  const Matrix r = random_matrix(2, dw.forward(x).cols(), 3);
  const Matrix dx = dw.backward(r);
  expect_gradients_near(
      dx, numeric_gradient([&](const Matrix& in) { return weighted_sum(dw.forward(in), r); }, x),
      "input");
  for (Variable* v : dw.variables()) {
    const Matrix analytic = gradient_matrix(*v, 1, v->value.num_elements());
    const Matrix original = value_matrix(*v, 1, v->value.num_elements());
    const Matrix numeric = numeric_gradient(
        [&](const Matrix& w) {
          value_matrix(*v, 1, w.cols()) = w;
          return weighted_sum(dw.forward(x), r);
        },
        original);
    value_matrix(*v, 1, original.cols()) = original;
    expect_gradients_near(analytic, numeric, v->name.c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(Options, DepthwiseConvGradientTest,
                         ::testing::Values(DepthwiseCase{Padding::kValid, 1, 1, 1, true},
                                           DepthwiseCase{Padding::kSame, 1, 1, 2, true},
                                           DepthwiseCase{Padding::kSame, 2, 1, 3, false},
                                           DepthwiseCase{Padding::kSame, 1, 2, 2, true}));

}  // namespace
}  // namespace cairn::nn
