// A recurrent layer called on [x, h0] in a functional Model (Keras's
// initial_state): the state's gradient reaches the layers that made it
// (equal to central differences of the loss), and a state of the wrong
// shape or count is refused naming the layer.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/model.h"
#include "nn/gradient_check.h"

namespace cairn::keras {
namespace {

using nn::Matrix;

// x (3 steps of 2) and s (2) -> to_state -> the GRU's h0; GRU -> out.
Model state_model(const char* cell) {
  set_random_seed(23);
  KerasTensor x = Input({3, 2}, "x"), s = Input({2}, "s");
  KerasTensor h0 = Dense(3, {.activation = "tanh", .name = "to_state"})(s);
  std::vector<KerasTensor> call{x, h0};
  if (std::string(cell) == "LSTM") {
    call.push_back(Dense(3, {.activation = "tanh", .name = "to_carry"})(s));
  }
  KerasTensor seq =
      std::string(cell) == "LSTM" ? LSTM(3, {.name = "rnn"})(call) : GRU(3, {.name = "rnn"})(call);
  KerasTensor out = Dense(1, {.name = "out"})(seq);
  Model model({x, s}, {out}, "stateful");
  model.compile({.optimizer = SGD{.learning_rate = 1.0}, .loss = {"mse"}});
  return model;
}

class InitialStateTest : public ::testing::TestWithParam<const char*> {};

TEST_P(InitialStateTest, StateGradientReachesTheLayerThatMadeIt) {
  Model model = state_model(GetParam());
  const Tensor x = nn::to_tensor(nn::testing::random_matrix(4, 6, 1));
  Tensor xs(DType::kFloat32, {4, 3, 2});
  std::copy(x.flat<float>().begin(), x.flat<float>().end(), xs.flat<float>().begin());
  const Tensor s = nn::to_tensor(nn::testing::random_matrix(4, 2, 2));
  const Tensor y = nn::to_tensor(nn::testing::random_matrix(4, 1, 3));
  nn::Variable& kernel = *model.layers()[2]->weights()[0];  // x, s, to_state, ...
  ASSERT_EQ(model.layers()[2]->name(), "to_state");
  const Tensor before = kernel.value;
  const Matrix numeric = nn::testing::numeric_gradient(
      [&](const Matrix& value) {
        std::copy(value.data(), value.data() + value.size(), kernel.value.flat<float>().begin());
        const double loss =
            model.evaluate({xs, s}, y, {.batch_size = 64, .verbose = 0}).get("loss");
        kernel.value = before;
        return loss;
      },
      Matrix(nn::as_matrix(before)), 2e-3f);
  // One SGD step with learning rate 1 on the whole batch: w_new = w - dL/dw.
  model.fit({xs, s}, y, {.epochs = 1, .batch_size = 64, .shuffle = false, .verbose = 0});
  const Matrix step = Matrix(nn::as_matrix(before)) - Matrix(nn::as_matrix(kernel.value));
  EXPECT_GT(step.norm(), 0.0f);
  nn::testing::expect_gradients_near(step, numeric, "to_state kernel");
}

INSTANTIATE_TEST_SUITE_P(GruAndLstm, InitialStateTest, ::testing::Values("GRU", "LSTM"));

TEST(InitialStateTest, WrongStateShapeOrCountIsRefusedNamingTheLayer) {
  KerasTensor x = Input({3, 2}, "x"), s = Input({5}, "s");
  try {
    Model({x, s}, {GRU(3, {.name = "rnn"})({x, s})});
    ADD_FAILURE() << "a state of 5 for a GRU of 3 units was accepted";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("'rnn' (GRU) takes 1 initial state of shape [null,3]"),
              std::string::npos)
        << e.what();
  }
  KerasTensor h = Input({3}, "h");
  EXPECT_THROW(Model({x, h}, {LSTM(3, {.name = "lstm"})({x, h})}), InvalidArgumentError);
  EXPECT_THROW(Model({x, h}, {Dense(3)({x, h})}), InvalidArgumentError);
}

// Keras 3 writes the states as the call's initial_state keyword:
// {"args": [x], "kwargs": {"initial_state": [h0]}}; read as Keras 2's [x, h0].
TEST(InitialStateTest, Keras3InitialStateKeywordIsReadAsKeras2sSecondInput) {
  Model model = state_model("GRU");
  Json config = model.get_config();
  auto keras3_tensor = [](const Json& ref) {
    return Json{{"class_name", "__keras_tensor__"},
                {"config", {{"keras_history", Json::array({ref[0], ref[1], ref[2]})}}}};
  };
  for (Json& layer : config["layers"]) {
    if (layer["name"] != "rnn") continue;
    const Json call = layer["inbound_nodes"][0];  // [[x...], [h0...]]
    layer["inbound_nodes"] =
        Json::array({Json{{"args", Json::array({keras3_tensor(call[0])})},
                          {"kwargs", {{"initial_state", Json::array({keras3_tensor(call[1])})}}}}});
  }
  Model again = Model::from_config(config);
  for (size_t i = 0; i < model.weights().size(); ++i) {
    again.weights()[i]->value = model.weights()[i]->value;
  }
  const Tensor x = nn::to_tensor(nn::testing::random_matrix(2, 6, 4));
  Tensor xs(DType::kFloat32, {2, 3, 2});
  std::copy(x.flat<float>().begin(), x.flat<float>().end(), xs.flat<float>().begin());
  const Tensor s = nn::to_tensor(nn::testing::random_matrix(2, 2, 5));
  EXPECT_TRUE(again.predict({xs, s})[0] == model.predict({xs, s})[0]);
}

}  // namespace
}  // namespace cairn::keras
