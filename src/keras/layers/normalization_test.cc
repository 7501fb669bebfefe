// BatchNormalization and LayerNormalization: gradients, Keras's moving
// statistics, configs, refusals, and a model that trains and round-trips its
// weights (moving statistics included) through .h5 and TF checkpoints.
#include "cairn/keras/layers/normalization.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "cairn/core/errors.h"
#include "keras/keras_test_util.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"
#include "nn/gradient_check.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using nn::testing::random_matrix;

// Weights made non-trivial so the checks see every term.
void randomize_norm_weights(Layer& layer) {
  uint64_t seed = 40;
  for (nn::Variable* w : layer.weights()) {
    const nn::Matrix values = random_matrix(1, w->value.num_elements(), ++seed, 0.5f, 1.5f);
    std::copy(values.data(), values.data() + values.size(), w->value.flat<float>().begin());
  }
}

TEST(BatchNormalizationTest, GradientsInTrainingAndInference) {
  for (bool training : {true, false}) {
    for (auto [center, scale] :
         {std::pair{true, true}, std::pair{false, true}, std::pair{true, false}}) {
      SCOPED_TRACE(std::to_string(training) + std::to_string(center) + std::to_string(scale));
      BatchNormalization bn({.center = center, .scale = scale});
      std::mt19937_64 rng(1);
      bn.build({2, 3}, rng);
      randomize_norm_weights(bn);
      testing::expect_layer_gradients(bn, random_matrix(4, 6, 7, -2.0f, 2.0f), training);
    }
  }
}

TEST(BatchNormalizationTest, WeightsInKerasOrderWithNonTrainableMovingStatistics) {
  clear_session();
  BatchNormalization bn;
  std::mt19937_64 rng(1);
  bn.build({5, 5, 8}, rng);
  std::vector<std::string> names;
  for (nn::Variable* w : bn.weights()) {
    names.push_back(w->name);
    EXPECT_EQ(w->value.shape(), TensorShape({8}));
    EXPECT_EQ(w->trainable, w->name.find("moving") == std::string::npos) << w->name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "batch_normalization/gamma", "batch_normalization/beta",
                       "batch_normalization/moving_mean", "batch_normalization/moving_variance"}));
  BatchNormalization no_gamma({.scale = false});
  no_gamma.build({8}, rng);
  EXPECT_EQ(no_gamma.weights().size(), 3u);
  EXPECT_EQ(no_gamma.weights()[0]->name, "batch_normalization_1/beta");
}

TEST(BatchNormalizationTest, TrainingMovesTheStatisticsAsKeras) {
  BatchNormalization bn({.momentum = 0.75});
  std::mt19937_64 rng(1);
  bn.build({1}, rng);
  nn::Matrix x(4, 1);
  x << 1.0f, 2.0f, 3.0f, 6.0f;  // mean 3, biased variance 3.5
  bn.forward(x, /*training=*/true, rng);
  const nn::VariableRefs w = bn.weights();
  // moving -= (moving - batch) · (1 - momentum), from mean 0 and variance 1.
  EXPECT_FLOAT_EQ(w[2]->value.flat<float>()[0], 0.75f);
  EXPECT_FLOAT_EQ(w[3]->value.flat<float>()[0], 1.0f + 2.5f * 0.25f);
  // Inference normalizes by the moving statistics and leaves them alone.
  const nn::Matrix y = bn.forward(x, /*training=*/false, rng);
  EXPECT_NEAR(y(0, 0), (1.0f - 0.75f) / std::sqrt(1.625f + 1e-3f), 1e-6);
  EXPECT_FLOAT_EQ(w[2]->value.flat<float>()[0], 0.75f);
}

TEST(BatchNormalizationTest, ConfigRoundTripsAndReadsKeras3) {
  BatchNormalization bn({.momentum = 0.9, .epsilon = 1e-5, .center = false, .name = "bn"});
  const Json c = bn.config();
  EXPECT_EQ(c["axis"], -1);
  EXPECT_EQ(c["gamma_initializer"]["class_name"], "Ones");
  EXPECT_EQ(BatchNormalization::from_config(c).config(), c);
  const Json keras3 = Json::parse(R"({
      "name": "bn3", "trainable": true,
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
      "axis": [3], "momentum": 0.8, "epsilon": 0.01, "center": true, "scale": true,
      "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}},
      "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {}},
      "synchronized": false})");
  LayerPtr layer = internal::layer_from_config("BatchNormalization", keras3);
  const Json back = layer->config();
  EXPECT_EQ(back["axis"], 3);
  EXPECT_EQ(back["momentum"], 0.8);
  std::mt19937_64 rng(1);
  EXPECT_EQ(layer->build({4, 4, 2}, rng), (Shape{4, 4, 2}));
}

// The message of the InvalidArgumentError `f` throws.
template <class F>
std::string normalization_refusal(F f) {
  try {
    f();
  } catch (const InvalidArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "not refused";
  return "";
}

TEST(BatchNormalizationTest, BadConfigsAndShapesAreRefusedNamingLayerAndField) {
  const auto from = [](const char* json) {
    return [json] { internal::layer_from_config("BatchNormalization", Json::parse(json)); };
  };
  EXPECT_NE(normalization_refusal(from(R"({"name": "b", "momentum": "high"})")).find("'momentum'"),
            std::string::npos);
  EXPECT_NE(
      normalization_refusal(from(R"({"name": "b", "momentum": 1.5})")).find("momentum must be in"),
      std::string::npos);
  EXPECT_NE(normalization_refusal(from(R"({"name": "b", "epsilon": -1})")).find("epsilon"),
            std::string::npos);
  EXPECT_NE(normalization_refusal(from(R"({"name": "b", "renorm": true})")).find("renorm"),
            std::string::npos);
  EXPECT_NE(normalization_refusal(from(R"({"name": "b", "axis": [1, 2]})")).find("'axis'"),
            std::string::npos);
  std::mt19937_64 rng(1);
  BatchNormalization first_axis({.axis = 1, .name = "b1"});
  const std::string why = normalization_refusal([&] { first_axis.build({4, 4, 2}, rng); });
  EXPECT_NE(why.find("layer 'b1' (BatchNormalization): axis 1"), std::string::npos) << why;
  BatchNormalization last_positive({.axis = 3});
  EXPECT_NO_THROW(last_positive.build({4, 4, 2}, rng));
}

TEST(LayerNormalizationTest, GradientsConfigAndRefusals) {
  for (auto [center, scale] :
       {std::pair{true, true}, std::pair{false, true}, std::pair{true, false}}) {
    LayerNormalization ln({.center = center, .scale = scale});
    std::mt19937_64 rng(1);
    ln.build({2, 3}, rng);
    randomize_norm_weights(ln);
    testing::expect_layer_gradients(ln, random_matrix(4, 6, 8, -2.0f, 2.0f), true);
  }
  clear_session();
  LayerNormalization ln({.epsilon = 1e-6});
  std::mt19937_64 rng(1);
  ln.build({3, 5}, rng);
  EXPECT_EQ(ln.weights()[0]->name, "layer_normalization/gamma");
  EXPECT_EQ(ln.count_params(), 10);
  EXPECT_EQ(LayerNormalization::from_config(ln.config()).config(), ln.config());
  const auto from = [](const char* json) {
    return [json] { internal::layer_from_config("LayerNormalization", Json::parse(json)); };
  };
  EXPECT_NE(
      normalization_refusal(from(R"({"name": "l", "rms_scaling": true})")).find("rms_scaling"),
      std::string::npos);
  EXPECT_NE(normalization_refusal(from(R"({"name": "l", "center": 1})")).find("'center'"),
            std::string::npos);
  LayerNormalization two_axes({.axis = 1, .name = "l2"});
  EXPECT_NE(normalization_refusal([&] {
              two_axes.build({3, 5}, rng);
            }).find("axis 1"),
            std::string::npos);
}

// A small CNN-shaped model: Keras's summary rows and parameter counts.
TEST(BatchNormalizationTest, SummaryRowsAsKeras) {
  clear_session();
  Sequential model(
      {Dense(16, {.input_shape = Shape{4}}), BatchNormalization(), LayerNormalization(), Dense(3)});
  const std::string s = model.summary_string();
  EXPECT_NE(s.find("batch_normalization (BatchNo (None, 16)                64        \n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("layer_normalization (LayerNo (None, 16)                32        \n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("Total params: 227\n"), std::string::npos) << s;
  EXPECT_NE(s.find("Non-trainable params: 32\n"), std::string::npos) << s;
}

Sequential normalized_classifier(uint64_t seed) {
  set_random_seed(seed);
  Sequential model({Dense(16, {.input_shape = Shape{4}}), BatchNormalization({.momentum = 0.9}),
                    Activation("relu"), LayerNormalization(), Dense(3, {.activation = "softmax"})});
  model.compile(
      {.optimizer = Adam{.learning_rate = 0.01}, .loss = "sparse_categorical_crossentropy"});
  return model;
}

TEST(BatchNormalizationTest, ModelTrainsAndRoundTripsItsMovingStatistics) {
  auto [x, y] = testing::blobs(120, 3);
  Sequential a = normalized_classifier(5);
  const double before = a.evaluate(x, y, {.verbose = 0}).get("loss");
  a.fit(x, y, {.epochs = 5, .batch_size = 16, .verbose = 0});
  EXPECT_LT(a.evaluate(x, y, {.verbose = 0}).get("loss"), before * 0.5);
  const nn::Variable& moving_mean = *a.layers()[1]->weights()[2];
  EXPECT_NE(moving_mean.value.flat<float>()[0], 0.0f);  // fit moved it
  EXPECT_FALSE(moving_mean.trainable);
  cairn::testing::TempDir dir;
  // Keras 2's .h5, Keras 3's .weights.h5 and a TF checkpoint.
  for (const std::string& path :
       {dir.path() + "/w.h5", dir.path() + "/w.weights.h5", dir.path() + "/ckpt"}) {
    SCOPED_TRACE(path);
    a.save_weights(path);
    Sequential b = normalized_classifier(9);
    b.build({4});
    b.load_weights(path);
    EXPECT_TRUE(testing::same_weights(a, b));
    EXPECT_TRUE(a.predict(x) == b.predict(x));
  }
}

}  // namespace
}  // namespace cairn::keras
