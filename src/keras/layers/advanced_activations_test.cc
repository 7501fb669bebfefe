// ReLU, LeakyReLU, PReLU, ELU and Softmax layers: gradients, Keras configs
// (Keras 2 and 3 spellings), refusals, and a model that trains and
// round-trips PReLU's slopes.
#include "cairn/keras/layers/advanced_activations.h"

#include <gtest/gtest.h>

#include <string>

#include "cairn/core/errors.h"
#include "keras/keras_test_util.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"
#include "nn/gradient_check.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using nn::testing::random_matrix;

// Inputs at least 0.1 away from the kinks the layers below use (0, ±0.5, 1.5).
nn::Matrix kinkless_input(Eigen::Index rows, Eigen::Index cols, uint64_t seed) {
  nn::Matrix x = random_matrix(rows, cols, seed, -3.0f, 3.0f);
  for (float& v : x.reshaped()) {
    for (float kink : {0.0f, 0.5f, -0.5f, 1.5f}) {
      if (std::abs(v - kink) < 0.1f) v = kink + 0.1f;
    }
  }
  return x;
}

void check_activation_layer(Layer&& layer, const Shape& shape) {
  SCOPED_TRACE(layer.class_name());
  std::mt19937_64 rng(1);
  EXPECT_EQ(layer.build(shape, rng), shape);
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  testing::expect_layer_gradients(layer, kinkless_input(3, n, 5), /*training=*/true);
}

TEST(AdvancedActivationsTest, GradientsMatchNumeric) {
  check_activation_layer(ReLU(), {6});
  check_activation_layer(ReLU({.max_value = 1.5, .negative_slope = 0.2, .threshold = 0.5}), {2, 3});
  check_activation_layer(LeakyReLU(0.1), {6});
  check_activation_layer(ELU(0.7), {6});
  check_activation_layer(Softmax(), {2, 3});
  check_activation_layer(Softmax(1), {2, 3});  // over the first sample axis
  check_activation_layer(Softmax(-2), {2, 3, 2});
  // PReLU's slopes start at zero: make them non-trivial first.
  for (const std::vector<int64_t>& shared :
       {std::vector<int64_t>{}, std::vector<int64_t>{1}, std::vector<int64_t>{1, 2}}) {
    PReLU prelu({.alpha_initializer = "random_uniform", .shared_axes = shared});
    check_activation_layer(std::move(prelu), {2, 2, 3});
  }
}

TEST(AdvancedActivationsTest, PreluSlopeShapesFollowSharedAxes) {
  std::mt19937_64 rng(1);
  PReLU per_channel({.shared_axes = {1, 2}});
  per_channel.build({4, 5, 3}, rng);
  EXPECT_EQ(per_channel.weights()[0]->value.shape(), TensorShape({1, 1, 3}));
  EXPECT_EQ(per_channel.count_params(), 3);
  PReLU full;
  full.build({4, 5, 3}, rng);
  EXPECT_EQ(full.count_params(), 60);
  EXPECT_EQ(full.weights()[0]->name.substr(full.name().size()), "/alpha");
  // Slope 0.5 for channel 1 only: each position's channel 1 uses it.
  std::fill(per_channel.weights()[0]->value.flat<float>().begin(),
            per_channel.weights()[0]->value.flat<float>().end(), 0.0f);
  per_channel.weights()[0]->value.flat<float>()[1] = 0.5f;
  const nn::Matrix y = per_channel.forward(nn::Matrix::Constant(1, 60, -2.0f), false, rng);
  for (Eigen::Index j = 0; j < 60; ++j) EXPECT_EQ(y(0, j), j % 3 == 1 ? -1.0f : 0.0f) << j;
}

TEST(AdvancedActivationsTest, SoftmaxLayerFusesOnlyOverWholeRows) {
  std::mt19937_64 rng(1);
  Softmax flat;
  flat.build({5}, rng);
  EXPECT_EQ(flat.final_activation(), nn::Activation::kSoftmax);
  Softmax per_position;
  per_position.build({4, 5}, rng);
  EXPECT_EQ(per_position.final_activation(), nn::Activation::kLinear);
  // Activation("softmax") on N-d samples normalizes the last axis, as Keras.
  Activation act("softmax");
  act.build({2, 3}, rng);
  EXPECT_EQ(act.final_activation(), nn::Activation::kLinear);
  const nn::Matrix y = act.forward(random_matrix(1, 6, 3), false, rng);
  EXPECT_NEAR(y.leftCols(3).sum(), 1.0f, 1e-6);
  EXPECT_NEAR(y.rightCols(3).sum(), 1.0f, 1e-6);
}

TEST(AdvancedActivationsTest, ConfigsRoundTripAndReadKeras3) {
  std::vector<LayerPtr> layers = {ReLU({.max_value = 6.0, .name = "r"}),
                                  ReLU({.negative_slope = 0.1, .threshold = 1.0}),
                                  LeakyReLU(0.2),
                                  ELU(0.5),
                                  Softmax(1),
                                  PReLU({.alpha_initializer = "ones", .shared_axes = {1}})};
  for (const LayerPtr& layer : layers) {
    const Json c = layer->config();
    EXPECT_EQ(internal::layer_from_config(layer->class_name(), c)->config(), c)
        << layer->class_name();
  }
  EXPECT_EQ(layers[0]->config()["max_value"], 6.0);
  EXPECT_TRUE(layers[1]->config()["max_value"].is_null());
  EXPECT_EQ(layers[2]->config()["alpha"], 0.2);
  // Keras 3 spells LeakyReLU's slope negative_slope; PReLU's shared_axes may be one integer.
  const Json leaky = internal::layer_from_config(
                         "LeakyReLU", Json::parse(R"({"name": "l", "negative_slope": 0.05})"))
                         ->config();
  EXPECT_EQ(leaky["alpha"], 0.05);
  EXPECT_EQ(internal::layer_from_config("PReLU", Json::parse(R"({"name": "p", "shared_axes": 2})"))
                ->config()["shared_axes"],
            Json::parse("[2]"));
  EXPECT_EQ(internal::layer_from_config("Softmax", Json::parse(R"({"name": "s", "axis": [-1]})"))
                ->config()["axis"],
            -1);
}

template <class F>
std::string activation_refusal(F f) {
  try {
    f();
  } catch (const InvalidArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "not refused";
  return "";
}

TEST(AdvancedActivationsTest, BadConfigsAndShapesAreRefused) {
  const auto from = [](const char* class_name, const char* json) {
    return [=] { internal::layer_from_config(class_name, Json::parse(json)); };
  };
  EXPECT_NE(activation_refusal(from("ReLU", R"({"name": "r", "max_value": -1})")).find("max_value"),
            std::string::npos);
  EXPECT_NE(
      activation_refusal(from("ReLU", R"({"name": "r", "threshold": "x"})")).find("'threshold'"),
      std::string::npos);
  EXPECT_NE(
      activation_refusal(from("LeakyReLU", R"({"name": "l", "alpha": -0.1})")).find("layer 'l'"),
      std::string::npos);
  EXPECT_NE(activation_refusal(from("PReLU", R"({"name": "p", "shared_axes": ["a"]})"))
                .find("shared_axes"),
            std::string::npos);
  EXPECT_NE(activation_refusal(from("Softmax", R"({"name": "s", "axis": [1, 2]})")).find("'axis'"),
            std::string::npos);
  std::mt19937_64 rng(1);
  PReLU batch_axis({.shared_axes = {0}, .name = "p0"});
  EXPECT_NE(activation_refusal([&] {
              batch_axis.build({3}, rng);
            }).find("layer 'p0' (PReLU): shared axis 0"),
            std::string::npos);
  Softmax too_far(3, "s3");
  EXPECT_NE(activation_refusal([&] {
              too_far.build({2, 2}, rng);
            }).find("layer 's3' (Softmax): axis 3"),
            std::string::npos);
  Softmax batch(0);
  EXPECT_THROW(batch.build({2}, rng), InvalidArgumentError);
}

TEST(AdvancedActivationsTest, ModelTrainsAndRoundTripsPreluSlopes) {
  auto [x, y] = testing::blobs(120, 4);
  set_random_seed(3);
  const auto make = [] {
    Sequential model({Dense(16, {.input_shape = Shape{4}}), PReLU({.alpha_initializer = "ones"}),
                      Dense(8), LeakyReLU(), Dense(8), ELU(), ReLU({.max_value = 6.0}), Dense(3),
                      Softmax()});
    model.compile(
        {.optimizer = Adam{.learning_rate = 0.01}, .loss = "sparse_categorical_crossentropy"});
    return model;
  };
  Sequential a = make();
  const double before = a.evaluate(x, y, {.verbose = 0}).get("loss");
  a.fit(x, y, {.epochs = 5, .batch_size = 16, .verbose = 0});
  EXPECT_LT(a.evaluate(x, y, {.verbose = 0}).get("loss"), before * 0.5);
  cairn::testing::TempDir dir;
  for (const std::string& path : {dir.path() + "/w.h5", dir.path() + "/ckpt"}) {
    a.save_weights(path);
    Sequential b = make();
    b.build({4});
    b.load_weights(path);
    EXPECT_TRUE(testing::same_weights(a, b)) << path;
    EXPECT_TRUE(a.predict(x) == b.predict(x)) << path;
  }
}

}  // namespace
}  // namespace cairn::keras
