#include "cairn/keras/layers/wrappers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/recurrent.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"

namespace cairn::keras {
namespace {

using nn::testing::random_matrix;
using ::testing::HasSubstr;

TEST(BidirectionalTest, GradientsOfEveryMergeMode) {
  nn::Matrix mask = nn::Matrix::Ones(2, 3);
  mask(0, 2) = 0.0f;
  for (const char* mode : {"concat", "sum", "mul", "ave"}) {
    for (bool sequences : {false, true}) {
      SCOPED_TRACE(std::string(mode) + (sequences ? " sequences" : ""));
      Bidirectional b(GRU(2, {.return_sequences = sequences}), {.merge_mode = mode});
      std::mt19937_64 rng(2);
      b.build({3, 2}, rng);
      testing::expect_layer_gradients(b, random_matrix(2, 6, 3), &mask);
    }
  }
}

TEST(BidirectionalTest, BackwardCopyReadsReversedAndOutputsTurnBack) {
  clear_session();
  Bidirectional b(LSTM(2, {.return_sequences = true}));
  std::mt19937_64 rng(2);
  EXPECT_EQ(b.build({3, 1}, rng), (Shape{3, 4}));
  nn::VariableRefs w = b.weights();
  ASSERT_EQ(w.size(), 6u);
  EXPECT_EQ(w[0]->name, "bidirectional/forward_lstm/lstm_cell/kernel");
  EXPECT_EQ(w[3]->name, "bidirectional/backward_lstm/lstm_cell/kernel");
  EXPECT_EQ(b.weight_path(*w[0]), "forward_layer/cell/kernel");
  EXPECT_EQ(b.weight_path(*w[5]), "backward_layer/cell/bias");
  EXPECT_EQ(b.count_params(), 2 * 4 * (2 * (1 + 2) + 2));
  // With equal weights, the backward half at step t is the forward half of
  // the reversed sequence at step T-1-t.
  for (size_t i = 0; i < 3; ++i) w[3 + i]->value = w[i]->value;
  const nn::Matrix x{{1.0f, -2.0f, 0.5f}};
  const nn::Matrix y = b.forward(x, false, rng);
  const nn::Matrix y_rev = b.forward(nn::Matrix{{0.5f, -2.0f, 1.0f}}, false, rng);
  for (int t = 0; t < 3; ++t) {
    EXPECT_TRUE(y.block(0, 4 * t + 2, 1, 2).isApprox(y_rev.block(0, 4 * (2 - t), 1, 2)));
  }
}

TEST(BidirectionalTest, ConfigRoundTripsAndBadOnesAreRefused) {
  Bidirectional b(SimpleRNN(3, {.name = "rnn"}),
                  {.merge_mode = "sum", .input_shape = Shape{4, 2}, .name = "bi"});
  const Json c = b.config();
  EXPECT_EQ(c["layer"]["class_name"], "SimpleRNN");
  EXPECT_EQ(c["layer"]["config"]["name"], "rnn");
  EXPECT_EQ(c["merge_mode"], "sum");
  LayerPtr again = internal::layer_from_config("Bidirectional", c);
  EXPECT_EQ(again->config(), c);
  EXPECT_THROW(Bidirectional(Dense(3)), InvalidArgumentError);
  EXPECT_THROW(Bidirectional(LSTM(3), {.merge_mode = "max"}), InvalidArgumentError);
  Json no_merge = c;
  no_merge["merge_mode"] = nullptr;
  EXPECT_THAT(
      [&] {
        try {
          internal::layer_from_config("Bidirectional", no_merge);
        } catch (const InvalidArgumentError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("'bi' (Bidirectional): merge_mode"));
  EXPECT_THROW(internal::layer_from_config("Bidirectional", {{"name", "b"}}), InvalidArgumentError);
}

TEST(TimeDistributedTest, AppliesTheLayerToEachStep) {
  TimeDistributed td(Dense(2, {.activation = "tanh", .name = "inner"}));
  std::mt19937_64 rng(1);
  EXPECT_EQ(td.build({3, 4}, rng), (Shape{3, 2}));
  EXPECT_EQ(td.weight_path(*td.weights()[0]), "layer/kernel");
  const nn::Matrix x = random_matrix(2, 12, 4);
  const nn::Matrix y = td.forward(x, false, rng);
  Dense alone(2, {.activation = "tanh"});
  alone.build({4}, rng);
  for (size_t i = 0; i < 2; ++i) alone.weights()[i]->value = td.weights()[i]->value;
  for (int t = 0; t < 3; ++t) {
    EXPECT_TRUE(
        y.block(1, 2 * t, 1, 2).isApprox(alone.forward(x.block(1, 4 * t, 1, 4), false, rng)));
  }
  testing::expect_layer_gradients(td, x);
  const Json c = td.config();
  EXPECT_EQ(c["layer"]["class_name"], "Dense");
  EXPECT_EQ(internal::layer_from_config("TimeDistributed", c)->config(), c);
  TimeDistributed flat(Dense(2), {.name = "flat"});
  EXPECT_THROW(flat.build({4}, rng), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::keras
