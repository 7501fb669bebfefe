#include "cairn/nn/activation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "cairn/nn/gemm.h"
#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

TEST(ActivationTest, NamesRoundTrip) {
  for (Activation a : kAllActivations) EXPECT_EQ(activation_from_name(activation_name(a)), a);
  EXPECT_EQ(activation_from_name(""), Activation::kLinear);
  EXPECT_EQ(activation_from_name("none"), Activation::kLinear);
  EXPECT_EQ(activation_from_name("silu"), Activation::kSwish);
  EXPECT_FALSE(activation_from_name("mish").has_value());
  EXPECT_FALSE(activation_from_name("hardSigmoid").has_value());
  EXPECT_EQ(activation_op(Activation::kRelu), "Relu");
  EXPECT_EQ(activation_op(Activation::kSoftmax), "Softmax");
  EXPECT_EQ(activation_op(Activation::kLinear), "");
  EXPECT_EQ(activation_op(Activation::kGelu), "");  // composed of several ops
  EXPECT_EQ(activation_op(Activation::kExponential), "Exp");
}

TEST(ActivationTest, KnownValues) {
  Matrix x(1, 3);
  x << -1.0f, 0.0f, 2.0f;
  EXPECT_EQ(activate(Activation::kRelu, x), (Matrix(1, 3) << 0, 0, 2).finished());
  Matrix elu = activate(Activation::kElu, x);
  EXPECT_FLOAT_EQ(elu(0, 0), std::expm1(-1.0f));
  EXPECT_FLOAT_EQ(elu(0, 2), 2.0f);
  EXPECT_FLOAT_EQ(activate(Activation::kSigmoid, x)(0, 1), 0.5f);
  EXPECT_FLOAT_EQ(activate(Activation::kTanh, x)(0, 2), std::tanh(2.0f));
  Matrix s = activate(Activation::kSoftmax, x);
  EXPECT_NEAR(s.sum(), 1.0f, 1e-6f);
  EXPECT_FLOAT_EQ(s(0, 2) / s(0, 1), std::exp(2.0f));
}

// Values from the definitions Keras documents, computed independently in double.
TEST(ActivationTest, NewActivationsKnownValues) {
  Matrix x(1, 4);
  x << -3.0f, -0.5f, 0.0f, 1.5f;
  const auto at = [&](Activation a, int i) { return activate(a, x)(0, i); };
  for (int i = 0; i < 4; ++i) {
    const double v = x(0, i);
    SCOPED_TRACE(v);
    EXPECT_NEAR(at(Activation::kGelu, i), 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))), 1e-6);
    EXPECT_NEAR(at(Activation::kGeluTanh, i),
                0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v))),
                1e-6);
    EXPECT_NEAR(at(Activation::kSwish, i), v / (1.0 + std::exp(-v)), 1e-6);
    EXPECT_NEAR(at(Activation::kSoftplus, i), std::log(1.0 + std::exp(v)), 1e-6);
    EXPECT_NEAR(at(Activation::kSoftsign, i), v / (1.0 + std::abs(v)), 1e-6);
    EXPECT_NEAR(at(Activation::kSelu, i),
                1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (std::exp(v) - 1.0)), 1e-6);
    EXPECT_NEAR(at(Activation::kHardSigmoid, i), std::clamp(0.2 * v + 0.5, 0.0, 1.0), 1e-6);
    EXPECT_NEAR(at(Activation::kExponential, i), std::exp(v), 1e-5);
    EXPECT_NEAR(at(Activation::kLeakyRelu, i), v >= 0 ? v : 0.2 * v, 1e-6);
  }
  Matrix big(1, 2);
  big << 100.0f, -100.0f;  // softplus stays finite where exp overflows
  EXPECT_FLOAT_EQ(activate(Activation::kSoftplus, big)(0, 0), 100.0f);
  EXPECT_NEAR(activate(Activation::kSoftplus, big)(0, 1), 0.0f, 1e-30f);
}

TEST(ActivationTest, SoftmaxIsRowWiseAndStable) {
  Matrix x(2, 2);
  x << 1000.0f, 1000.0f, -1000.0f, 0.0f;
  Matrix s = activate(Activation::kSoftmax, x);
  EXPECT_FLOAT_EQ(s(0, 0), 0.5f);
  EXPECT_FLOAT_EQ(s(1, 1), 1.0f);
  EXPECT_TRUE(s.allFinite());
}

TEST(ActivationTest, GradientsMatchNumeric) {
  // Inputs stay away from relu's kink at 0 (|x| >= 0.1 > step).
  Matrix x = random_matrix(4, 5, 11, 0.1f, 2.0f);
  Matrix sign = random_matrix(4, 5, 12);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (sign.data()[i] < 0) x.data()[i] = -x.data()[i];
  }
  Matrix dy = random_matrix(4, 5, 13);
  for (Activation a : kAllActivations) {
    auto loss = [&](const Matrix& in) { return weighted_sum(activate(a, in), dy); };
    Matrix analytic = activation_backward(a, x, activate(a, x), dy);
    expect_gradients_near(analytic, numeric_gradient(loss, x),
                          std::string(activation_name(a)).c_str());
  }
}

// Large matrices are activated one range of rows per thread: every value and
// gradient is the one a single thread computes (softmax's rows included).
TEST(ActivationTest, RangesOnThreadsGiveOneThreadsValues) {
  const Matrix x = testing::random_matrix(301, 400, 7), dy = testing::random_matrix(301, 400, 8);
  for (Activation a : kAllActivations) {
    Matrix y[2], dx[2];
    for (int threads : {1, 2}) {
      const int before = num_threads();
      set_num_threads(threads);
      activate(a, x, y[threads - 1]);
      activation_backward(a, x, y[threads - 1], dy, dx[threads - 1]);
      set_num_threads(before);
    }
    EXPECT_TRUE(y[1] == y[0]) << activation_name(a) << " " << (y[1] - y[0]).cwiseAbs().maxCoeff();
    EXPECT_TRUE(dx[1] == dx[0]) << activation_name(a) << " "
                                << (dx[1] - dx[0]).cwiseAbs().maxCoeff();
  }
}

}  // namespace
}  // namespace cairn::nn
