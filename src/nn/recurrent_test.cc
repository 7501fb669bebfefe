#include "cairn/nn/recurrent.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "cairn/core/errors.h"
#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

constexpr int64_t kBatch = 3, kSteps = 4, kInput = 2, kUnits = 3;

struct Case {
  const char* what;
  RecurrentOptions options;
  bool mask = false;
};

Recurrent make(RecurrentOptions options, uint64_t seed) {
  options.name = "rnn";
  options.input_dim = kInput;
  options.units = kUnits;
  options.timesteps = kSteps;
  Recurrent layer(options);
  uint64_t k = seed;
  for (Variable* v : layer.variables()) {
    as_matrix(v->value) =
        random_matrix(as_matrix(v->value).rows(), as_matrix(v->value).cols(), ++k, -0.7f, 0.7f);
  }
  return layer;
}

// Sample 0 full, sample 1 padded at the end, sample 2 with a hole.
Matrix test_mask() {
  Matrix m = Matrix::Ones(kBatch, kSteps);
  m(1, 2) = m(1, 3) = 0.0f;
  m(2, 1) = 0.0f;
  return m;
}

void check_gradients(const Case& c) {
  SCOPED_TRACE(c.what);
  Recurrent layer = make(c.options, 10);
  const Matrix x = random_matrix(kBatch, kSteps * kInput, 1);
  const Matrix mask = test_mask();
  const Matrix* m = c.mask ? &mask : nullptr;
  const Matrix y = layer.forward(x, m);
  const Matrix r = random_matrix(y.rows(), y.cols(), 2);
  const Matrix dx = layer.backward(r);
  auto loss = [&](const Matrix& in) { return weighted_sum(layer.forward(in, m), r); };
  expect_gradients_near(dx, numeric_gradient(loss, x), "input");
  for (Variable* v : layer.variables()) {
    layer.forward(x, m);
    layer.backward(r);
    const Matrix analytic = as_matrix(v->gradient);
    const Matrix saved = as_matrix(v->value);
    auto weight_loss = [&](const Matrix& w) {
      as_matrix(v->value) = w;
      return weighted_sum(layer.forward(x, m), r);
    };
    const Matrix numeric = numeric_gradient(weight_loss, saved);
    as_matrix(v->value) = saved;
    expect_gradients_near(analytic, numeric, v->name.c_str());
  }
}

TEST(RecurrentTest, GradientsOfEveryCellAndOption) {
  const Case cases[] = {
      {"simple_rnn", {.cell = CellKind::kSimpleRNN}},
      {"simple_rnn relu sequences",
       {.cell = CellKind::kSimpleRNN, .activation = Activation::kRelu, .return_sequences = true}},
      {"lstm", {.cell = CellKind::kLSTM}},
      {"lstm sequences backwards",
       {.cell = CellKind::kLSTM, .return_sequences = true, .go_backwards = true}},
      {"lstm no bias", {.cell = CellKind::kLSTM, .use_bias = false}},
      {"gru reset_after", {.cell = CellKind::kGRU}},
      {"gru reset before", {.cell = CellKind::kGRU, .reset_after = false}},
      {"gru reset before sequences",
       {.cell = CellKind::kGRU, .reset_after = false, .return_sequences = true}},
      {"gru linear no bias",
       {.cell = CellKind::kGRU, .activation = Activation::kLinear, .use_bias = false}},
      {"simple_rnn masked", {.cell = CellKind::kSimpleRNN, .return_sequences = true}, true},
      {"lstm masked", {.cell = CellKind::kLSTM}, true},
      {"lstm masked sequences backwards",
       {.cell = CellKind::kLSTM, .return_sequences = true, .go_backwards = true},
       true},
      {"gru masked", {.cell = CellKind::kGRU}, true},
      {"gru reset before masked", {.cell = CellKind::kGRU, .reset_after = false}, true},
  };
  for (const Case& c : cases) check_gradients(c);
}

TEST(RecurrentTest, KerasWeightShapesAndNames) {
  Recurrent lstm({.name = "lstm/lstm_cell", .input_dim = 5, .units = 7, .timesteps = 2});
  ASSERT_EQ(lstm.variables().size(), 3u);
  EXPECT_EQ(lstm.kernel().name, "lstm/lstm_cell/kernel");
  EXPECT_EQ(lstm.kernel().value.shape(), (TensorShape{5, 28}));
  EXPECT_EQ(lstm.recurrent_kernel().value.shape(), (TensorShape{7, 28}));
  EXPECT_EQ(lstm.bias().value.shape(), (TensorShape{28}));
  Recurrent gru({.name = "g", .cell = CellKind::kGRU, .input_dim = 5, .units = 7, .timesteps = 2});
  EXPECT_EQ(gru.bias().value.shape(), (TensorShape{2, 21}));
  Recurrent gru1({.name = "g",
                  .cell = CellKind::kGRU,
                  .input_dim = 5,
                  .units = 7,
                  .timesteps = 2,
                  .reset_after = false});
  EXPECT_EQ(gru1.bias().value.shape(), (TensorShape{21}));
}

TEST(RecurrentTest, MaskedStepsCarryTheStateOver) {
  Recurrent layer = make({.cell = CellKind::kLSTM, .return_sequences = true}, 3);
  const Matrix x = random_matrix(kBatch, kSteps * kInput, 4);
  const Matrix mask = test_mask();
  const Matrix y = layer.forward(x, &mask);
  // Sample 1 is padded after step 1: its outputs repeat step 1's.
  for (int64_t s : {2, 3}) {
    EXPECT_EQ(y.block(1, s * kUnits, 1, kUnits), y.block(1, kUnits, 1, kUnits));
  }
  // Sample 1 alone, cut to its two real steps, ends where the masked run does.
  Recurrent cut({.name = "rnn", .input_dim = kInput, .units = kUnits, .timesteps = 2});
  for (size_t i = 0; i < 3; ++i) cut.variables()[i]->value = layer.variables()[i]->value;
  const Matrix y_cut = cut.forward(x.block(1, 0, 1, 2 * kInput), nullptr);
  EXPECT_TRUE(y_cut.isApprox(y.block(1, kUnits, 1, kUnits), 1e-6f));
}

TEST(RecurrentTest, KnownValuesOfALinearGru) {
  // One unit, no bias, linear candidate: hand-computed h over inputs 1, 0, 0.
  Recurrent gru({.name = "g",
                 .cell = CellKind::kGRU,
                 .input_dim = 1,
                 .units = 1,
                 .timesteps = 3,
                 .activation = Activation::kLinear,
                 .use_bias = false,
                 .return_sequences = true});
  as_matrix(gru.kernel().value) << 1.0f, -2.0f, 3.0f;
  as_matrix(gru.recurrent_kernel().value) << -0.5f, 2.0f, -1.1f;
  const Matrix y = gru.forward(Matrix{{1.0f, 0.0f, 0.0f}}, nullptr);
  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  double h = 0.0;
  const double xs[] = {1.0, 0.0, 0.0};
  for (int t = 0; t < 3; ++t) {
    const double z = sigmoid(xs[t] - 0.5 * h), r = sigmoid(-2.0 * xs[t] + 2.0 * h);
    const double cand = 3.0 * xs[t] + r * (-1.1 * h);
    h = z * h + (1.0 - z) * cand;
    EXPECT_NEAR(y(0, t), h, 1e-6) << "step " << t;
  }
}

TEST(RecurrentTest, InitialStatesAndTheirGradients) {
  for (CellKind cell : {CellKind::kSimpleRNN, CellKind::kLSTM, CellKind::kGRU}) {
    Recurrent layer = make({.cell = cell, .return_sequences = true}, 7);
    const Matrix x = random_matrix(kBatch, kSteps * kInput, 8);
    Matrix h0 = random_matrix(kBatch, kUnits, 9), c0 = random_matrix(kBatch, kUnits, 10);
    const Matrix r = random_matrix(kBatch, kSteps * kUnits, 11);
    layer.forward(x, nullptr, {.h = &h0, .c = &c0});
    layer.backward(r);
    const Matrix dh0 = layer.initial_h_gradient();
    expect_gradients_near(dh0,
                          numeric_gradient(
                              [&](const Matrix& h) {
                                return weighted_sum(layer.forward(x, nullptr, {.h = &h, .c = &c0}),
                                                    r);
                              },
                              h0),
                          "h0");
    if (cell == CellKind::kLSTM) {
      layer.forward(x, nullptr, {.h = &h0, .c = &c0});
      layer.backward(r);
      const Matrix dc0 = layer.initial_c_gradient();
      expect_gradients_near(dc0,
                            numeric_gradient(
                                [&](const Matrix& c) {
                                  return weighted_sum(
                                      layer.forward(x, nullptr, {.h = &h0, .c = &c}), r);
                                },
                                c0),
                            "c0");
    }
  }
}

TEST(RecurrentTest, BadSizesAndShapesAreRefused) {
  EXPECT_THROW(Recurrent({.name = "r", .input_dim = 0, .units = 2, .timesteps = 2}),
               InvalidArgumentError);
  EXPECT_THROW(Recurrent({.name = "r", .input_dim = 1 << 30, .units = 8, .timesteps = 2}),
               InvalidArgumentError);
  Recurrent layer({.name = "r", .input_dim = 2, .units = 2, .timesteps = 3});
  EXPECT_THROW(layer.forward(Matrix::Zero(1, 5), nullptr), InvalidArgumentError);
  const Matrix bad_mask = Matrix::Ones(1, 2);
  EXPECT_THROW(layer.forward(Matrix::Zero(1, 6), &bad_mask), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::nn
