#include "cairn/nn/activation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

constexpr Activation kEveryActivation[] = {Activation::kLinear, Activation::kRelu,
                                           Activation::kTanh,   Activation::kSigmoid,
                                           Activation::kElu,    Activation::kSoftmax};

TEST(ActivationTest, NamesRoundTrip) {
  for (Activation a : kEveryActivation) EXPECT_EQ(activation_from_name(activation_name(a)), a);
  EXPECT_EQ(activation_from_name(""), Activation::kLinear);
  EXPECT_EQ(activation_from_name("none"), Activation::kLinear);
  EXPECT_FALSE(activation_from_name("swish").has_value());
  EXPECT_EQ(activation_op(Activation::kRelu), "Relu");
  EXPECT_EQ(activation_op(Activation::kSoftmax), "Softmax");
  EXPECT_EQ(activation_op(Activation::kLinear), "");
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
  for (Activation a : kEveryActivation) {
    auto loss = [&](const Matrix& in) { return weighted_sum(activate(a, in), dy); };
    Matrix analytic = activation_backward(a, x, activate(a, x), dy);
    expect_gradients_near(analytic, numeric_gradient(loss, x),
                          std::string(activation_name(a)).c_str());
  }
}

}  // namespace
}  // namespace cairn::nn
