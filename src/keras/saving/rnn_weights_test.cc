// Recurrent models' weights in files: the TF-format keys tf.keras writes for
// an RNN's cell ("layer_with_weights-1/cell/kernel") and Bidirectional's
// copies ("forward_layer/cell/..."), the .h5 <-> key mapping, round trips
// of TF-format and .h5 files bit for bit, and tfckpt.py as a second reader.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/wrappers.h"
#include "cairn/keras/sequential.h"
#include "keras/keras_test_util.h"
#include "keras/saving/h5_weights_file.h"
#include "keras/saving/weights_tf.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::same_weights;

std::string rnn_checkpoint_key(const std::string& path) {
  return path + "/.ATTRIBUTES/VARIABLE_VALUE";
}

Sequential text_model(uint64_t seed) {
  set_random_seed(seed);
  Sequential model({Embedding(10, 3, {.mask_zero = true, .input_shape = Shape{5}}),
                    Bidirectional(GRU(4, {.return_sequences = true})), LSTM(3),
                    Dense(1, {.activation = "sigmoid"})});
  model.compile({.optimizer = Adam{.learning_rate = 0.01}, .loss = "binary_crossentropy"});
  return model;
}

std::pair<Tensor, Tensor> data() {
  Tensor x(DType::kFloat32, {8, 5}), y(DType::kFloat32, {8, 1});
  for (int64_t i = 0; i < 40; ++i) x.flat<float>()[i] = static_cast<float>((i * 7) % 10);
  for (int64_t i = 0; i < 8; ++i) y.flat<float>()[i] = static_cast<float>(i % 2);
  return {x, y};
}

TEST(RnnWeightsTest, WeightNamesGiveTheirPathUnderTheLayer) {
  EXPECT_EQ(internal::weight_path_from_name("dense/kernel:0"), "kernel");
  EXPECT_EQ(internal::weight_path_from_name("lstm/lstm_cell/kernel:0"), "cell/kernel");
  EXPECT_EQ(internal::weight_path_from_name("lstm_1/lstm_cell_1/bias:0"), "cell/bias");
  EXPECT_EQ(internal::weight_path_from_name("gru/kernel:0"), "kernel");  // tf.keras 2.1
  EXPECT_EQ(internal::weight_path_from_name("bidirectional/forward_gru/gru_cell/kernel:0"),
            "forward_layer/cell/kernel");
  EXPECT_EQ(internal::weight_path_from_name("bidirectional/backward_gru/gru_cell/bias"),
            "backward_layer/cell/bias");
  // The names of a built model's weights give what its layers' hook says.
  Sequential model = text_model(1);
  for (const LayerPtr& layer : model.layers()) {
    for (nn::Variable* w : layer->weights()) {
      EXPECT_EQ(internal::weight_path_from_name(w->name), layer->weight_path(*w)) << w->name;
    }
  }
}

TEST(RnnWeightsTest, TfFormatKeysAreTfKerasOnesAndRoundTripBitForBit) {
  cairn::testing::TempDir dir;
  auto [x, y] = data();
  Sequential a = text_model(2);
  a.fit(x, y, {.epochs = 2, .batch_size = 4, .verbose = 0});
  a.save_weights(dir.path() + "/ckpt");
  CheckpointReader reader(dir.path() + "/ckpt");
  for (const std::string& k :
       {rnn_checkpoint_key("layer_with_weights-0/embeddings"),
        rnn_checkpoint_key("layer_with_weights-1/forward_layer/cell/kernel"),
        rnn_checkpoint_key("layer_with_weights-1/backward_layer/cell/recurrent_kernel"),
        rnn_checkpoint_key("layer_with_weights-1/backward_layer/cell/bias"),
        rnn_checkpoint_key("layer_with_weights-2/cell/kernel"),
        rnn_checkpoint_key("layer_with_weights-2/cell/bias"),
        rnn_checkpoint_key("layer_with_weights-3/kernel"),
        rnn_checkpoint_key("layer_with_weights-2/cell/kernel/.OPTIMIZER_SLOT/optimizer/m")}) {
    EXPECT_TRUE(reader.has_tensor(k)) << k;
  }
  Sequential b = text_model(3);
  b.build_optimizer();
  EXPECT_FALSE(same_weights(a, b));
  b.load_weights(dir.path() + "/ckpt");
  EXPECT_TRUE(same_weights(a, b));
  EXPECT_TRUE(a.predict(x) == b.predict(x));
}

TEST(RnnWeightsTest, H5RoundTripsAndMapsToTheSameKeys) {
  cairn::testing::TempDir dir;
  auto [x, y] = data();
  Sequential a = text_model(4);
  a.fit(x, y, {.epochs = 1, .batch_size = 4, .verbose = 0});
  a.save_weights(dir.path() + "/w.h5");
  Sequential b = text_model(5);
  b.load_weights(dir.path() + "/w.h5");
  EXPECT_TRUE(same_weights(a, b));
  // The .h5's names map to the keys save_weights writes (`cairn convert`).
  a.save_weights(dir.path() + "/ckpt");
  CheckpointReader reader(dir.path() + "/ckpt");
  const KerasH5File h5 = value_or_throw(read_keras_h5(dir.path() + "/w.h5"));
  const WeightsFile converted = internal::h5_to_weights_file(h5, dir.path() + "/w.h5");
  size_t layer_keys = 0;
  for (const auto& [name, tensor] : converted.tensors) {
    if (!name.starts_with("layer_with_weights-")) continue;
    ++layer_keys;
    ASSERT_TRUE(reader.has_tensor(name)) << name;
    EXPECT_TRUE(reader.get_tensor(name) == tensor) << name;
  }
  EXPECT_EQ(layer_keys, a.weights().size());
}

TEST(RnnWeightsTest, WholeModelH5LoadsAndPredictsTheSame) {
  cairn::testing::TempDir dir;
  auto [x, y] = data();
  Sequential a = text_model(7);
  a.fit(x, y, {.epochs = 1, .batch_size = 4, .verbose = 0});
  a.save(dir.path() + "/model.h5");
  Sequential b = load_model(dir.path() + "/model.h5");
  EXPECT_TRUE(same_weights(a, b));
  EXPECT_TRUE(a.predict(x) == b.predict(x));
  EXPECT_EQ(b.get_config(), a.get_config());
}

TEST(RnnWeightsTest, SummaryRowsHaveKerasShapesAndCounts) {
  clear_session();
  const std::string summary = text_model(8).summary_string();
  for (const char* row :
       {"embedding (Embedding)        (None, 5, 3)              30",
        "(None, 5, 8)              216",
        "lstm (LSTM)                  (None, 3)                 144", "Total params: 394"}) {
    EXPECT_NE(summary.find(row), std::string::npos) << row << " in\n" << summary;
  }
}

TEST(RnnWeightsTest, TfckptReadsTheCellKeys) {
  auto tools = cairn::testing::tools_dir();
  if (!tools) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  if (!cairn::testing::python_has_modules("crc32c snappy")) GTEST_SKIP() << "no crc32c/snappy";
  cairn::testing::TempDir dir;
  Sequential model = text_model(6);
  model.save_weights(dir.path() + "/ckpt");
  auto run = cairn::testing::run_command(
      "/usr/bin/python3 " + cairn::testing::shell_quote(*tools + "/tfckpt.py") + " " +
      cairn::testing::shell_quote(dir.path() + "/ckpt") + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, std::vector<int64_t>> shapes;

  const nlohmann::json doc = nlohmann::json::parse(run.out);
  for (const auto& t : doc["tensors"]) {
    EXPECT_TRUE(t["crc_ok"].get<bool>()) << t["name"];
    shapes[t["name"].get<std::string>()] = t["shape"].get<std::vector<int64_t>>();
  }
  EXPECT_EQ(shapes[rnn_checkpoint_key("layer_with_weights-1/forward_layer/cell/kernel")],
            (std::vector<int64_t>{3, 12}));
  EXPECT_EQ(shapes[rnn_checkpoint_key("layer_with_weights-1/forward_layer/cell/bias")],
            (std::vector<int64_t>{2, 12}));
  EXPECT_EQ(shapes[rnn_checkpoint_key("layer_with_weights-2/cell/recurrent_kernel")],
            (std::vector<int64_t>{3, 12}));
}

}  // namespace
}  // namespace cairn::keras
