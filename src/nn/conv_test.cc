#include "cairn/nn/conv.h"

#include <gtest/gtest.h>

#include "cairn/nn/gemm.h"
#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

struct Case {
  const char* what;
  int64_t height, width, channels, kernel_h, kernel_w, stride, dilation;
  Padding padding;
  int64_t filters;
  Activation activation;
  bool use_bias;
};

ConvGeometry geometry_of(const Case& c) {
  return {.height = conv_axis({.input = c.height,
                               .kernel = c.kernel_h,
                               .stride = c.height == 1 ? 1 : c.stride,
                               .dilation = c.height == 1 ? 1 : c.dilation,
                               .padding = c.height == 1 ? Padding::kValid : c.padding}),
          .width = conv_axis({.input = c.width,
                              .kernel = c.kernel_w,
                              .stride = c.stride,
                              .dilation = c.dilation,
                              .padding = c.padding}),
          .channels = c.channels};
}

Conv make_conv(const Case& c) {
  Conv conv({.name = "conv",
             .geometry = geometry_of(c),
             .filters = c.filters,
             .rank = c.height == 1 ? 1 : 2,
             .activation = c.activation,
             .use_bias = c.use_bias});
  for (Variable* v : conv.variables()) {
    value_matrix(*v, 1, v->value.num_elements()) =
        random_matrix(1, v->value.num_elements(), v->value.num_elements(), -0.5f, 0.5f);
  }
  return conv;
}

// The definition, one output at a time: sum over taps inside the input.
Matrix direct_conv(const Case& c, const ConvGeometry& g, const Matrix& x, Conv& conv) {
  const float* w = conv.kernel().value.flat<float>().data();
  Matrix y(x.rows(), g.positions() * c.filters);
  for (Eigen::Index n = 0; n < x.rows(); ++n) {
    for (int64_t oy = 0; oy < g.height.output; ++oy) {
      for (int64_t ox = 0; ox < g.width.output; ++ox) {
        for (int64_t f = 0; f < c.filters; ++f) {
          double sum = c.use_bias ? conv.bias().value.flat<float>()[f] : 0.0;
          for (int64_t ky = 0; ky < c.kernel_h; ++ky) {
            for (int64_t kx = 0; kx < c.kernel_w; ++kx) {
              const int64_t iy =
                  oy * g.height.stride - g.height.pad_before + ky * g.height.dilation;
              const int64_t ix = ox * g.width.stride - g.width.pad_before + kx * g.width.dilation;
              if (iy < 0 || iy >= c.height || ix < 0 || ix >= c.width) continue;
              for (int64_t ci = 0; ci < c.channels; ++ci) {
                sum += x(n, (iy * c.width + ix) * c.channels + ci) *
                       w[((ky * c.kernel_w + kx) * c.channels + ci) * c.filters + f];
              }
            }
          }
          y(n, (oy * g.width.output + ox) * c.filters + f) = static_cast<float>(sum);
        }
      }
    }
  }
  return activate(c.activation, y);
}

class ConvTest : public ::testing::TestWithParam<Case> {};

TEST_P(ConvTest, ForwardIsTheDefinitionOfConvolution) {
  const Case c = GetParam();
  Conv conv = make_conv(c);
  const Matrix x = random_matrix(2, c.height * c.width * c.channels, 1);
  const Matrix y = conv.forward(x);
  const Matrix expected = direct_conv(c, geometry_of(c), x, conv);
  ASSERT_EQ(y.cols(), expected.cols());
  EXPECT_TRUE(y.isApprox(expected, 1e-5f)) << y << "\n" << expected;
}

TEST_P(ConvTest, BackwardEqualsNumericGradients) {
  const Case c = GetParam();
  Conv conv = make_conv(c);
  const Matrix x = random_matrix(2, c.height * c.width * c.channels, 2);
  const Matrix r = random_matrix(2, conv.forward(x).cols(), 3);
  const Matrix dx = conv.backward(r);
  expect_gradients_near(
      dx, numeric_gradient([&](const Matrix& in) { return weighted_sum(conv.forward(in), r); }, x),
      "input");
  for (Variable* v : conv.variables()) {
    const Matrix analytic = gradient_matrix(*v, 1, v->value.num_elements());
    const Matrix original = value_matrix(*v, 1, v->value.num_elements());
    const Matrix numeric = numeric_gradient(
        [&](const Matrix& w) {
          value_matrix(*v, 1, w.cols()) = w;
          return weighted_sum(conv.forward(x), r);
        },
        original);
    value_matrix(*v, 1, original.cols()) = original;
    expect_gradients_near(analytic, numeric, v->name.c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Geometries, ConvTest,
    ::testing::Values(
        Case{"valid3x3", 5, 5, 2, 3, 3, 1, 1, Padding::kValid, 3, Activation::kLinear, true},
        Case{"same3x3", 5, 4, 2, 3, 3, 1, 1, Padding::kSame, 2, Activation::kTanh, true},
        Case{"stride2same", 6, 5, 1, 3, 2, 2, 1, Padding::kSame, 2, Activation::kLinear, true},
        Case{"stride2valid", 7, 6, 2, 3, 3, 2, 1, Padding::kValid, 2, Activation::kSigmoid, false},
        Case{"dilated", 7, 7, 2, 3, 3, 1, 2, Padding::kSame, 2, Activation::kLinear, true},
        Case{"dilatedvalid", 7, 6, 1, 2, 3, 1, 2, Padding::kValid, 3, Activation::kElu, true},
        Case{"conv1d", 1, 9, 3, 1, 3, 1, 1, Padding::kValid, 2, Activation::kLinear, true},
        Case{"conv1dcausal", 1, 8, 2, 1, 3, 1, 2, Padding::kCausal, 2, Activation::kTanh, true},
        Case{"conv1dstride", 1, 9, 2, 1, 4, 3, 1, Padding::kSame, 2, Activation::kLinear, false}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.what); });

// Samples whose patches exceed a block (about 256 KiB, conv.cc) are gathered
// one at a time: the batch's outputs and input gradients are the samples'
// own, its weight gradients their sum.
TEST(ConvTest, BlocksOfSamplesGiveTheWholeBatchsResults) {
  const Case c{"large", 64, 64, 8, 3, 3, 1, 1, Padding::kSame, 4, Activation::kRelu, true};
  Conv conv = make_conv(c);
  const Eigen::Index batch = 3;
  const Matrix x = random_matrix(batch, c.height * c.width * c.channels, 4);
  const Matrix y = conv.forward(x);
  EXPECT_TRUE(y.isApprox(direct_conv(c, geometry_of(c), x, conv), 1e-5f));
  const Matrix r = random_matrix(batch, y.cols(), 5);
  const Matrix dx = conv.backward(r);
  const Matrix d_kernel = gradient_matrix(conv.kernel(), 1, conv.kernel().value.num_elements());
  const Matrix d_bias = gradient_matrix(conv.bias(), 1, c.filters);
  Matrix sum_kernel = Matrix::Zero(1, d_kernel.cols()), sum_bias = Matrix::Zero(1, c.filters);
  for (Eigen::Index n = 0; n < batch; ++n) {
    const Matrix one_y = conv.forward(x.row(n));
    EXPECT_TRUE(one_y.isApprox(y.row(n), 1e-6f)) << "sample " << n;
    const Matrix one_dx = conv.backward(r.row(n));
    EXPECT_TRUE(one_dx.isApprox(dx.row(n), 1e-5f)) << "sample " << n;
    sum_kernel += gradient_matrix(conv.kernel(), 1, d_kernel.cols());
    sum_bias += gradient_matrix(conv.bias(), 1, c.filters);
  }
  EXPECT_TRUE(d_kernel.isApprox(sum_kernel, 1e-5f));
  EXPECT_TRUE(d_bias.isApprox(sum_bias, 1e-5f));
}

struct ConvResults {
  Matrix y, dx, d_kernel, d_bias;
};

ConvResults conv_results(const Case& c, const Matrix& x, int threads) {
  const int before = num_threads();
  set_num_threads(threads);
  Conv conv = make_conv(c);
  ConvResults r;
  r.y = conv.forward(x);
  r.dx = conv.backward(random_matrix(x.rows(), r.y.cols(), 5));
  r.d_kernel = gradient_matrix(conv.kernel(), 1, conv.kernel().value.num_elements());
  r.d_bias = gradient_matrix(conv.bias(), 1, c.filters);
  set_num_threads(before);
  return r;
}

// With two threads each half of the batch is gathered and multiplied on its
// own thread (parallel_ranges.h): the results are one thread's, up to the
// order of the kernel gradient's sum, and the same on every run.
TEST(ConvTest, RangesOnThreadsGiveOneThreadsResultsAndRepeat) {
  const Case small{"same3x3", 5, 4, 2, 3, 3, 1, 1, Padding::kSame, 2, Activation::kTanh, true};
  const Case large{"large", 64, 64, 8, 3, 3, 1, 1, Padding::kSame, 4, Activation::kRelu, true};
  for (const auto& [c, batch] : {std::pair{small, 1}, std::pair{small, 7}, std::pair{large, 5}}) {
    const Matrix x = random_matrix(batch, c.height * c.width * c.channels, 4);
    const ConvResults one = conv_results(c, x, 1), two = conv_results(c, x, 2);
    EXPECT_TRUE(two.y.isApprox(one.y, 1e-6f)) << c.what << " batch " << batch;
    EXPECT_TRUE(two.dx.isApprox(one.dx, 1e-6f)) << c.what << " batch " << batch;
    EXPECT_TRUE(two.d_kernel.isApprox(one.d_kernel, 1e-5f)) << c.what << " batch " << batch;
    EXPECT_TRUE(two.d_bias.isApprox(one.d_bias, 1e-5f)) << c.what << " batch " << batch;
    const ConvResults again = conv_results(c, x, 2);
    EXPECT_EQ(again.d_kernel, two.d_kernel) << c.what << " batch " << batch;
    EXPECT_EQ(again.dx, two.dx) << c.what << " batch " << batch;
  }
}

TEST(ConvAxisTest, OutputSizesAndPaddingAreTensorFlows) {
  ConvAxis same = conv_axis({.input = 5, .kernel = 3, .stride = 2, .padding = Padding::kSame});
  EXPECT_EQ(same.output, 3);
  EXPECT_EQ(same.pad_before, 1);  // total 2: one each side
  ConvAxis even = conv_axis({.input = 6, .kernel = 3, .stride = 2, .padding = Padding::kSame});
  EXPECT_EQ(even.output, 3);
  EXPECT_EQ(even.pad_before, 0);  // total 1: the extra one after
  ConvAxis valid = conv_axis({.input = 7, .kernel = 3, .stride = 2, .dilation = 1});
  EXPECT_EQ(valid.output, 3);
  ConvAxis dilated = conv_axis({.input = 7, .kernel = 3, .dilation = 3});
  EXPECT_EQ(dilated.output, 1);
  EXPECT_EQ(conv_axis({.input = 2, .kernel = 3}).output, 0);
  ConvAxis causal =
      conv_axis({.input = 8, .kernel = 3, .dilation = 2, .padding = Padding::kCausal});
  EXPECT_EQ(causal.output, 8);
  EXPECT_EQ(causal.pad_before, 4);
}

TEST(ConvTest, VariablesHaveKerasNamesAndShapes) {
  Conv conv({.name = "conv2d",
             .geometry = geometry_of(
                 Case{"", 5, 5, 3, 3, 2, 1, 1, Padding::kValid, 8, Activation::kLinear, true}),
             .filters = 8});
  ASSERT_EQ(conv.variables().size(), 2u);
  EXPECT_EQ(conv.kernel().name, "conv2d/kernel");
  EXPECT_EQ(conv.kernel().value.shape(), (TensorShape{3, 2, 3, 8}));
  EXPECT_EQ(conv.bias().name, "conv2d/bias");
  EXPECT_EQ(conv.bias().value.shape(), (TensorShape{8}));
}

}  // namespace
}  // namespace cairn::nn
