// End-to-end gradient checks: for a small Sequential model and every loss
// (fused with softmax/sigmoid or not), the kernel and bias gradients that
// backpropagation hands the optimizer equal central differences of the
// model's mean loss. SGD with learning rate 1 exposes the gradient as the
// change of each weight.
#include <gtest/gtest.h>

#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/sequential.h"
#include "nn/gradient_check.h"

namespace cairn::keras {
namespace {

using nn::Matrix;

struct Case {
  const char* loss;
  const char* last_activation;
  int64_t outputs;
};

// Targets that suit the loss: class ids, one-hot rows, 0/1 or real values.
Tensor targets(const Case& c, int64_t n) {
  const std::string loss = c.loss;
  if (loss == "sparse_categorical_crossentropy") {
    return Tensor::from_vector<int64_t>({0, 2, 1, 2, 0}, {n});
  }
  Tensor t(DType::kFloat32, {n, c.outputs});
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < c.outputs; ++j) {
      float v = static_cast<float>((i * 7 + j * 3) % 5) / 4.0f;
      if (loss == "categorical_crossentropy") v = j == i % c.outputs ? 1.0f : 0.0f;
      if (loss == "binary_crossentropy") v = v > 0.5f ? 1.0f : 0.0f;
      t.flat<float>()[static_cast<size_t>(i * c.outputs + j)] = v;
    }
  }
  return t;
}

class ModelGradientTest : public ::testing::TestWithParam<Case> {};

TEST_P(ModelGradientTest, BackpropEqualsNumericGradient) {
  const Case c = GetParam();
  set_random_seed(17);
  Sequential model({Dense(4, {.activation = "tanh", .input_shape = Shape{3}}),
                    Dense(c.outputs, {.activation = c.last_activation})});
  model.compile({.optimizer = SGD{.learning_rate = 1.0}, .loss = c.loss});
  const int64_t n = 5;
  Tensor x = nn::to_tensor(nn::testing::random_matrix(n, 3, 3));
  Tensor y = targets(c, n);
  const Tensor before = model.weights()[0]->value;
  const Tensor bias_before = model.weights()[3]->value;
  auto loss_with = [&](nn::Variable& w, const Tensor& original) {
    return [&, original](const Matrix& value) {
      w.value = Tensor(original.dtype(), original.shape());
      std::copy(value.data(), value.data() + value.size(), w.value.flat<float>().begin());
      const double loss = model.evaluate(x, y, {.batch_size = 64, .verbose = 0}).get("loss");
      w.value = original;
      return loss;
    };
  };
  nn::Variable& kernel = *model.weights()[0];
  nn::Variable& last_bias = *model.weights()[3];
  const Matrix kernel_numeric = nn::testing::numeric_gradient(loss_with(kernel, before),
                                                              Matrix(nn::as_matrix(before)), 2e-3f);
  const Tensor bias_2d = [&] {
    Tensor t(DType::kFloat32, {1, bias_before.num_elements()});
    std::copy(bias_before.flat<float>().begin(), bias_before.flat<float>().end(),
              t.flat<float>().begin());
    return t;
  }();
  const Matrix bias_numeric = nn::testing::numeric_gradient(loss_with(last_bias, bias_before),
                                                            Matrix(nn::as_matrix(bias_2d)), 2e-3f);
  // One SGD step with learning rate 1 and the whole batch: w_new = w - dL/dw.
  model.fit(x, y, {.epochs = 1, .batch_size = 64, .shuffle = false, .verbose = 0});
  const Matrix kernel_step = Matrix(nn::as_matrix(before)) - Matrix(nn::as_matrix(kernel.value));
  Tensor bias_after(DType::kFloat32, {1, bias_before.num_elements()});
  std::copy(last_bias.value.flat<float>().begin(), last_bias.value.flat<float>().end(),
            bias_after.flat<float>().begin());
  const Matrix bias_step = Matrix(nn::as_matrix(bias_2d)) - Matrix(nn::as_matrix(bias_after));
  nn::testing::expect_gradients_near(kernel_step, kernel_numeric, c.loss);
  nn::testing::expect_gradients_near(bias_step, bias_numeric, c.loss);
}

// fit() backpropagates only down to the first layer with weights and skips
// that layer's input gradient: its kernel gradient must still be exact, with
// weightless layers before it.
TEST(ModelGradientTest, FirstDenseAfterWeightlessLayers) {
  set_random_seed(19);
  Sequential model({Flatten({.input_shape = Shape{3}}), Activation("tanh"),
                    Dense(4, {.activation = "sigmoid"}), Dense(3, {.activation = "softmax"})});
  model.compile(
      {.optimizer = SGD{.learning_rate = 1.0}, .loss = "sparse_categorical_crossentropy"});
  const Tensor x = nn::to_tensor(nn::testing::random_matrix(5, 3, 5));
  const Tensor y = Tensor::from_vector<int64_t>({0, 2, 1, 2, 0}, {5});
  nn::Variable& kernel = *model.weights()[0];
  const Tensor before = kernel.value;
  const Matrix numeric = nn::testing::numeric_gradient(
      [&](const Matrix& value) {
        std::copy(value.data(), value.data() + value.size(), kernel.value.flat<float>().begin());
        const double loss = model.evaluate(x, y, {.batch_size = 64, .verbose = 0}).get("loss");
        kernel.value = before;
        return loss;
      },
      Matrix(nn::as_matrix(before)), 2e-3f);
  model.fit(x, y, {.epochs = 1, .batch_size = 64, .shuffle = false, .verbose = 0});
  const Matrix step = Matrix(nn::as_matrix(before)) - Matrix(nn::as_matrix(kernel.value));
  nn::testing::expect_gradients_near(step, numeric, "first kernel");
}

INSTANTIATE_TEST_SUITE_P(EveryLoss, ModelGradientTest,
                         ::testing::Values(Case{"sparse_categorical_crossentropy", "softmax", 3},
                                           Case{"categorical_crossentropy", "softmax", 3},
                                           Case{"categorical_crossentropy", "sigmoid", 3},
                                           Case{"binary_crossentropy", "sigmoid", 2},
                                           Case{"mse", "linear", 2}, Case{"mae", "tanh", 2},
                                           Case{"mse", "elu", 2}));

}  // namespace
}  // namespace cairn::keras
