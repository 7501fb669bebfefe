#include "cairn/nn/dense.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

constexpr Activation kDenseActivations[] = {Activation::kLinear, Activation::kRelu,
                                            Activation::kTanh,   Activation::kSigmoid,
                                            Activation::kElu,    Activation::kSoftmax};

Dense make_layer(Activation a, uint64_t seed) {
  Dense layer({.name = "dense", .input_dim = 3, .units = 4, .activation = a});
  std::mt19937_64 rng(seed);
  layer.initialize(rng);
  // A non-zero bias, so its gradient path is exercised.
  as_matrix(layer.bias().value) = random_matrix(1, 4, seed + 1, -0.5f, 0.5f);
  return layer;
}

TEST(DenseTest, VariablesHaveTensorFlowNamesAndShapes) {
  Dense layer({.name = "dnn/hiddenlayer_0", .input_dim = 4, .units = 10});
  VariableRefs vars = layer.variables();
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0]->name, "dnn/hiddenlayer_0/kernel");
  EXPECT_EQ(vars[0]->value.shape(), (TensorShape{4, 10}));
  EXPECT_EQ(vars[0]->gradient.shape(), (TensorShape{4, 10}));
  EXPECT_EQ(vars[1]->name, "dnn/hiddenlayer_0/bias");
  EXPECT_EQ(vars[1]->value.shape(), (TensorShape{10}));
  EXPECT_EQ(vars[1]->gradient.shape(), (TensorShape{10}));
  EXPECT_TRUE(vars[0]->trainable);
  EXPECT_EQ(vars[0]->value.dtype(), DType::kFloat32);
}

TEST(DenseTest, OldEstimatorNamesAndNoBias) {
  Dense old({.name = "dnn/hiddenlayer_0",
             .input_dim = 2,
             .units = 3,
             .kernel_name = "weights",
             .bias_name = "biases"});
  EXPECT_EQ(old.variables()[0]->name, "dnn/hiddenlayer_0/weights");
  EXPECT_EQ(old.variables()[1]->name, "dnn/hiddenlayer_0/biases");
  Dense no_bias({.name = "d", .input_dim = 2, .units = 3, .use_bias = false});
  ASSERT_EQ(no_bias.variables().size(), 1u);
  as_matrix(no_bias.kernel().value).setOnes();
  Matrix y = no_bias.forward(Matrix::Ones(1, 2));
  EXPECT_EQ(y, Matrix::Constant(1, 3, 2.0f));
}

TEST(DenseTest, GlorotUniformBoundsAndZeroBias) {
  Dense layer({.name = "dense", .input_dim = 30, .units = 20});
  std::mt19937_64 rng(7);
  layer.initialize(rng);
  const float limit = std::sqrt(6.0f / 50.0f);
  auto w = as_matrix(layer.kernel().value);
  EXPECT_LE(w.cwiseAbs().maxCoeff(), limit);
  EXPECT_GT(w.cwiseAbs().maxCoeff(), 0.9f * limit);  // fills the range
  EXPECT_NEAR(w.mean(), 0.0f, 0.05f);
  EXPECT_EQ(as_matrix(layer.bias().value).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(DenseTest, GlorotDrawsRowMajorFromTheGivenGenerator) {
  Dense layer({.name = "dense", .input_dim = 2, .units = 3});
  std::mt19937_64 rng(42);
  layer.initialize(rng);
  std::mt19937_64 expected_rng(42);
  const float limit = std::sqrt(6.0f / 5.0f);
  std::uniform_real_distribution<float> glorot(-limit, limit);
  auto w = layer.kernel().value.flat<float>();
  for (float value : w) EXPECT_EQ(value, glorot(expected_rng));
}

TEST(DenseTest, SameSeedSameBytesOtherSeedOtherBytes) {
  auto kernel_bytes = [](uint64_t seed) {
    Dense layer({.name = "dense", .input_dim = 5, .units = 7});
    std::mt19937_64 rng(seed);
    layer.initialize(rng);
    auto b = layer.kernel().value.bytes();
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
  };
  EXPECT_EQ(kernel_bytes(1), kernel_bytes(1));
  EXPECT_NE(kernel_bytes(1), kernel_bytes(2));
}

TEST(DenseTest, ForwardIsAffineThenActivation) {
  Dense layer = make_layer(Activation::kTanh, 3);
  Matrix x = random_matrix(2, 3, 4);
  Matrix z = x * as_matrix(layer.kernel().value);
  z.rowwise() += as_matrix(layer.bias().value).row(0);
  EXPECT_TRUE(layer.forward(x).isApprox(Matrix(z.array().tanh())));
}

TEST(DenseTest, GradientsMatchNumericForEveryActivation) {
  const Matrix x = random_matrix(5, 3, 21);
  const Matrix dy = random_matrix(5, 4, 22);
  for (Activation a : kDenseActivations) {
    SCOPED_TRACE(std::string(activation_name(a)));
    Dense layer = make_layer(a, 23);
    layer.forward(x);
    const Matrix dx = layer.backward(dy);
    const Matrix dkernel = as_matrix(layer.kernel().gradient);
    const Matrix dbias = as_matrix(layer.bias().gradient);

    auto loss_x = [&](const Matrix& in) { return weighted_sum(layer.forward(in), dy); };
    expect_gradients_near(dx, numeric_gradient(loss_x, x), "x");
    auto loss_of = [&](Variable& v) {
      return [&](const Matrix& value) {
        Matrix saved = as_matrix(v.value);
        as_matrix(v.value) = value;
        double loss = weighted_sum(layer.forward(x), dy);
        as_matrix(v.value) = saved;
        return loss;
      };
    };
    expect_gradients_near(
        dkernel, numeric_gradient(loss_of(layer.kernel()), as_matrix(layer.kernel().value)),
        "kernel");
    expect_gradients_near(
        dbias, numeric_gradient(loss_of(layer.bias()), as_matrix(layer.bias().value)), "bias");
  }
}

TEST(DenseTest, BackwardSetsRatherThanAccumulates) {
  Dense layer = make_layer(Activation::kLinear, 5);
  Matrix x = random_matrix(2, 3, 6), dy = random_matrix(2, 4, 7);
  layer.forward(x);
  layer.backward(dy);
  Matrix first = as_matrix(layer.kernel().gradient);
  layer.forward(x);
  layer.backward(dy);
  EXPECT_EQ(Matrix(as_matrix(layer.kernel().gradient)), first);
  EXPECT_TRUE(first.isApprox(x.transpose() * dy));
}

TEST(DenseTest, ProductsEqualEigensAndSkippingTheInputGradientChangesNothingElse) {
  for (Activation a : {Activation::kRelu, Activation::kSoftmax}) {
    Dense layer({.name = "d", .input_dim = 37, .units = 19, .activation = a});
    std::mt19937_64 rng(31);
    layer.initialize(rng);
    as_matrix(layer.bias().value) = random_matrix(1, 19, 32);
    const Matrix x = random_matrix(23, 37, 33), dy = random_matrix(23, 19, 34);
    const Matrix w = as_matrix(layer.kernel().value);
    Matrix z = x * w;  // the Eigen products the layer computed before gemm()
    z.rowwise() += as_matrix(layer.bias().value).row(0);
    EXPECT_TRUE(layer.forward(x).isApprox(activate(a, z), 1e-5f));
    const Matrix dz = activation_backward(a, z, activate(a, z), dy);
    const Matrix dx = layer.backward(dy);
    EXPECT_TRUE(dx.isApprox(dz * w.transpose(), 1e-5f));
    const Matrix dkernel = as_matrix(layer.kernel().gradient);
    const Matrix dbias = as_matrix(layer.bias().gradient);
    EXPECT_TRUE(dkernel.isApprox(x.transpose() * dz, 1e-5f));
    EXPECT_TRUE(dbias.isApprox(dz.colwise().sum(), 1e-5f));

    layer.forward(x);
    EXPECT_EQ(layer.backward(dy, {.input_gradient = false}).size(), 0);
    EXPECT_EQ(Matrix(as_matrix(layer.kernel().gradient)), dkernel);
    EXPECT_EQ(Matrix(as_matrix(layer.bias().gradient)), dbias);
    layer.forward(x);
    EXPECT_EQ(layer.backward_linear(dz, {.input_gradient = false}).size(), 0);
    EXPECT_TRUE(Matrix(as_matrix(layer.kernel().gradient)).isApprox(dkernel, 1e-6f));
  }
}

TEST(DenseTest, FusedStepEqualsGradientThenPlainDescent) {
  for (Activation a : {Activation::kRelu, Activation::kLinear}) {
    const Matrix x = random_matrix(29, 13, 41), dy = random_matrix(29, 7, 42);
    auto make = [&] {
      Dense layer({.name = "d", .input_dim = 13, .units = 7, .activation = a});
      std::mt19937_64 rng(43);
      layer.initialize(rng);
      as_matrix(layer.bias().value) = random_matrix(1, 7, 44);
      return layer;
    };
    Dense plain = make(), fused = make();
    plain.forward(x);
    const Matrix dx = plain.backward(dy);
    const Matrix w = as_matrix(plain.kernel().value), b = as_matrix(plain.bias().value);
    const Matrix w_after = w - 0.1f * Matrix(as_matrix(plain.kernel().gradient));
    const Matrix b_after = b - 0.1f * Matrix(as_matrix(plain.bias().gradient));
    fused.forward(x);
    const Tensor gradient_before = fused.kernel().gradient;
    const Matrix fused_dx = fused.backward(dy, {.step = 0.1f});
    EXPECT_EQ(fused_dx, dx);  // from the kernel before the step
    EXPECT_TRUE(Matrix(as_matrix(fused.kernel().value)).isApprox(w_after, 1e-6f));
    // The fused bias step sums through BLAS (b += -step · 1ᵀ dz): the same up to rounding.
    EXPECT_TRUE(Matrix(as_matrix(fused.bias().value)).isApprox(b_after, 1e-6f));
    EXPECT_EQ(fused.kernel().gradient, gradient_before);  // not written
  }
}

TEST(DenseTest, BorrowingForwardGivesTheSameOutputsAndGradientsAsCopying) {
  for (Activation a : {Activation::kRelu, Activation::kTanh}) {
    const Matrix x = random_matrix(11, 6, 51), dy = random_matrix(11, 5, 52);
    Dense copying({.name = "c", .input_dim = 6, .units = 5, .activation = a});
    Dense borrowing({.name = "b", .input_dim = 6, .units = 5, .activation = a});
    std::mt19937_64 rng1(53), rng2(53);
    copying.initialize(rng1);
    borrowing.initialize(rng2);
    EXPECT_EQ(borrowing.forward_borrowing(x), copying.forward(x));
    EXPECT_EQ(borrowing.backward(dy), copying.backward(dy));
    EXPECT_EQ(borrowing.kernel().gradient, copying.kernel().gradient);  // from x itself
    EXPECT_EQ(borrowing.bias().gradient, copying.bias().gradient);
    // A later copying forward() stops referring to the caller's matrix.
    Matrix changing = random_matrix(11, 6, 54);
    borrowing.forward(changing);
    copying.forward(changing);
    changing.setZero();
    borrowing.backward(dy);
    copying.backward(dy);
    EXPECT_EQ(borrowing.kernel().gradient, copying.kernel().gradient);
  }
}

}  // namespace
}  // namespace cairn::nn
