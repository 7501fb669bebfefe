// SimpleRNN, LSTM, GRU as Keras layers: gradients, weights, configs (Keras 2
// and 3), bad configs and shapes, and training in a Sequential with masks.
#include "cairn/keras/layers/recurrent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/sequential.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using nn::testing::random_matrix;
using testing::expect_layer_gradients;
using ::testing::HasSubstr;

template <class L>
L built(L layer, const Shape& shape) {
  std::mt19937_64 rng(5);
  layer.build(shape, rng);
  return layer;
}

TEST(RecurrentLayerTest, GradientsOfEachClassAndOption) {
  const nn::Matrix x = random_matrix(2, 4 * 3, 1);
  nn::Matrix mask = nn::Matrix::Ones(2, 4);
  mask(1, 3) = mask(1, 2) = 0.0f;
  {
    SCOPED_TRACE("SimpleRNN");
    SimpleRNN l = built(SimpleRNN(3, {.return_sequences = true}), {4, 3});
    expect_layer_gradients(l, x);
  }
  {
    SCOPED_TRACE("LSTM masked backwards");
    LSTM l = built(LSTM(2, {.go_backwards = true}), {4, 3});
    expect_layer_gradients(l, x, &mask);
  }
  {
    SCOPED_TRACE("GRU reset_after");
    GRU l = built(GRU(2, {.return_sequences = true}), {4, 3});
    expect_layer_gradients(l, x, &mask);
  }
  {
    SCOPED_TRACE("GRU reset before, hard activations");
    GRU l = built(GRU(2, {.activation = "relu", .reset_after = false}), {4, 3});
    expect_layer_gradients(l, x);
  }
}

TEST(RecurrentLayerTest, KerasWeightNamesShapesAndPaths) {
  clear_session();
  LSTM lstm = built(LSTM(5), {7, 3});
  nn::VariableRefs w = lstm.weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0]->name, "lstm/lstm_cell/kernel");
  EXPECT_EQ(w[0]->value.shape(), (TensorShape{3, 20}));
  EXPECT_EQ(w[1]->name, "lstm/lstm_cell/recurrent_kernel");
  EXPECT_EQ(w[1]->value.shape(), (TensorShape{5, 20}));
  EXPECT_EQ(w[2]->name, "lstm/lstm_cell/bias");
  EXPECT_EQ(lstm.weight_path(*w[1]), "cell/recurrent_kernel");
  // unit_forget_bias: the forget gate (second block) starts at 1.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(w[2]->value.flat<float>()[i], i >= 5 && i < 10 ? 1 : 0);
  EXPECT_EQ(lstm.count_params(), 4 * (5 * (3 + 5) + 5));  // Keras's 220
  EXPECT_EQ(lstm.output_shape(), (Shape{5}));
  GRU gru = built(GRU(4, {.return_sequences = true}), {7, 3});
  EXPECT_EQ(gru.weights()[0]->name, "gru/gru_cell/kernel");
  EXPECT_EQ(gru.weights()[2]->value.shape(), (TensorShape{2, 12}));
  EXPECT_EQ(gru.count_params(), 3 * 4 * (3 + 4) + 2 * 12);  // Keras's 108
  EXPECT_EQ(gru.output_shape(), (Shape{7, 4}));
  SimpleRNN rnn = built(SimpleRNN(4), {7, 3});
  EXPECT_EQ(rnn.weights()[0]->name, "simple_rnn/simple_rnn_cell/kernel");
  // The orthogonal recurrent kernel: rows orthonormal (4 x 4, square).
  const nn::Matrix u = nn::as_matrix(rnn.weights()[1]->value);
  EXPECT_TRUE((u * u.transpose()).isApprox(nn::Matrix::Identity(4, 4), 1e-5f));
}

TEST(RecurrentLayerTest, ConfigRoundTripsAndReadsKeras3) {
  GRU gru(6, {.activation = "relu",
              .return_sequences = true,
              .go_backwards = true,
              .reset_after = false,
              .input_shape = Shape{5, 2},
              .name = "g"});
  const Json c = gru.config();
  EXPECT_EQ(c["units"], 6);
  EXPECT_EQ(c["reset_after"], false);
  EXPECT_EQ(c["recurrent_activation"], "sigmoid");
  EXPECT_EQ(c["recurrent_initializer"]["class_name"], "Orthogonal");
  EXPECT_EQ(internal::layer_from_config("GRU", c)->config(), c);
  for (const char* cls : {"LSTM", "SimpleRNN"}) {
    Json config{{"name", "r"}, {"units", 3}, {"return_sequences", true}};
    LayerPtr l = internal::layer_from_config(cls, config);
    EXPECT_EQ(internal::layer_from_config(cls, l->config())->config(), l->config()) << cls;
  }
  // Keras 3: batch_shape, initializer objects with a module, a DTypePolicy.
  const Json keras3 = Json::parse(R"({
      "name": "lstm_3", "trainable": true,
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
      "batch_shape": [null, 10, 4], "return_sequences": false, "return_state": false,
      "go_backwards": false, "stateful": false, "unroll": false, "zero_output_for_mask": false,
      "units": 8, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true,
      "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                             "config": {"seed": null}, "registered_name": null},
      "recurrent_initializer": {"module": "keras.initializers", "class_name": "Orthogonal",
                                "config": {"gain": 1.0, "seed": null}, "registered_name": null},
      "unit_forget_bias": true, "dropout": 0.0, "recurrent_dropout": 0.0, "seed": null})");
  LayerPtr l = internal::layer_from_config("LSTM", keras3);
  EXPECT_EQ(*l->declared_input_shape(), (Shape{10, 4}));
  EXPECT_EQ(l->config()["units"], 8);
  // Keras 2.1/2.2 configs have no reset_after: their GRU resets before.
  EXPECT_EQ(
      internal::layer_from_config("GRU", {{"name", "old"}, {"units", 2}})->config()["reset_after"],
      false);
}

TEST(RecurrentLayerTest, BadConfigsAndShapesNameTheLayerAndField) {
  auto error_of = [](const char* cls, const Json& config) {
    try {
      internal::layer_from_config(cls, config);
    } catch (const InvalidArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error_of("LSTM", {{"name", "l"}}),
              HasSubstr("'l' (LSTM): config has no integer 'units'"));
  EXPECT_THAT(error_of("LSTM", {{"name", "l"}, {"units", 0}}), HasSubstr("units"));
  EXPECT_THAT(error_of("GRU", {{"name", "g"}, {"units", 4294967296}}), HasSubstr("2^31"));
  EXPECT_THAT(error_of("GRU", {{"name", "g"}, {"units", 2}, {"stateful", true}}),
              HasSubstr("stateful"));
  EXPECT_THAT(error_of("LSTM", {{"name", "l"}, {"units", 2}, {"return_state", true}}),
              HasSubstr("return_state"));
  EXPECT_THAT(error_of("LSTM", {{"name", "l"}, {"units", 2}, {"go_backwards", "yes"}}),
              HasSubstr("'go_backwards' must be true or false"));
  EXPECT_THAT(error_of("SimpleRNN", {{"name", "s"}, {"units", 2}, {"activation", "swishy"}}),
              HasSubstr("'s'"));
  std::mt19937_64 rng(1);
  LSTM flat(2, {.name = "flat"});
  try {
    flat.build({6}, rng);
    ADD_FAILURE() << "a flat input was accepted";
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'flat' (LSTM) needs inputs of shape (timesteps, features)"));
  }
  // A weight count past 2^31 is refused before anything is allocated.
  LSTM huge(40000, {.name = "huge"});
  EXPECT_THROW(huge.build({2, 40000}, rng), InvalidArgumentError);
}

// Sequences of ids (1..5, 0 padding at the end); the label: whether id 3
// occurs. Padding is masked, so trailing zeros change nothing.
std::pair<Tensor, Tensor> id_sequences(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor x(DType::kFloat32, {n, 6}), y(DType::kFloat32, {n, 1});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t length = 2 + static_cast<int64_t>(rng() % 5);
    bool three = false;
    for (int64_t t = 0; t < 6; ++t) {
      const float id = t < length ? static_cast<float>(1 + rng() % 5) : 0.0f;
      three |= id == 3.0f;
      x.flat<float>()[i * 6 + t] = id;
    }
    y.flat<float>()[i] = three ? 1.0f : 0.0f;
  }
  return {x, y};
}

TEST(RecurrentLayerTest, EmbeddingMaskedLstmTrainsAndIgnoresPadding) {
  set_random_seed(3);
  Sequential model({Embedding(6, 4, {.mask_zero = true, .input_shape = Shape{6}}), LSTM(8),
                    Dense(1, {.activation = "sigmoid"})});
  model.compile({.optimizer = Adam{.learning_rate = 0.05}, .loss = "binary_crossentropy"});
  auto [x, y] = id_sequences(128, 1);
  const History h = model.fit(x, y, {.epochs = 15, .batch_size = 32, .verbose = 0});
  EXPECT_LT(h.history.at("loss").back(), 0.5 * h.history.at("loss").front());
  // The mask reaches the LSTM: a padded step's embedding does not matter.
  Tensor one(DType::kFloat32, {1, 6});
  for (int t = 0; t < 6; ++t) one.flat<float>()[t] = t < 3 ? 2.0f : 0.0f;
  const Tensor before = model.predict(one);
  model.weights()[0]->value.flat<float>()[0 * 4 + 1] += 5.0f;  // embedding of id 0
  EXPECT_TRUE(model.predict(one) == before);
}

// The GRU of the shared fixture frugally-deep-gru-toy (tf.keras 2.2.4-tf,
// reset_after, linear, no bias) from its config and weights, run from the
// initial state 10 over [1, 0, 0]: the outputs its source states.
TEST(RecurrentLayerTest, FrugallyDeepGruToyPredictsWhatItsSourceStates) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  const KerasH5File file = value_or_throw(
      read_keras_h5(*fixtures + "/frugally-deep-gru-toy/test/stateful_test/temp_stateless.h5"));
  const Json model = Json::parse(file.model_config);
  Json gru_config;
  for (const Json& layer : model["config"]["layers"]) {
    if (layer["class_name"] == "GRU") gru_config = layer["config"];
  }
  LayerPtr layer = internal::layer_from_config("GRU", gru_config);
  auto& gru = dynamic_cast<RecurrentLayer&>(*layer);
  std::mt19937_64 rng(1);
  EXPECT_EQ(gru.build({3, 1}, rng), (Shape{3, 1}));
  for (const H5LayerWeights& saved : file.layers) {
    if (saved.layer_name != "gru") continue;
    ASSERT_EQ(saved.weights.size(), 2u);
    gru.weights()[0]->value = saved.weights[0].value;  // gru/kernel:0 [1, 3]
    gru.weights()[1]->value = saved.weights[1].value;  // gru/recurrent_kernel:0 [1, 3]
  }
  const nn::Matrix h0{{10.0f}};
  gru.set_initial_state(&h0);
  const nn::Matrix y = gru.forward(nn::Matrix{{1.0f, 0.0f, 0.0f}}, false, rng);
  const float expected[] = {-7.676248f, -7.5144324f, -7.3429837f};
  for (int t = 0; t < 3; ++t) EXPECT_NEAR(y(0, t), expected[t], 1e-5f) << "step " << t;
}

}  // namespace
}  // namespace cairn::keras
