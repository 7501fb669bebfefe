// Embedding, SimpleRNN, LSTM, GRU, Bidirectional and TimeDistributed against
// TensorFlow.js through the layer oracle (layer_test_util.h): each option
// that changes the math, and masked sequences (Embedding with mask_zero
// before each RNN). TF.js's GRU only resets before the recurrent product
// (it refuses reset_after=true); GRU(reset_after=true) is checked by its
// numeric gradients and hand-computed values (nn/recurrent_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/wrappers.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

using testing::LayerCase;
using testing::TfjsLayerOracle;

// Ids of 3 samples of 5 steps: one full, one padded at the end, one with a
// zero inside (Keras masks it too).
nn::Matrix padded_ids() { return nn::Matrix{{3, 1, 4, 1, 5}, {2, 5, 3, 0, 0}, {4, 0, 2, 2, 1}}; }

LayerCase masked(LayerPtr rnn) {
  return {.layers = {Embedding(6, 3, {.mask_zero = true}), std::move(rnn)},
          .input_shape = {5},
          .batch = 3,
          .integer_inputs = true,
          .inputs = padded_ids()};
}

TEST(RecurrentTfjsTest, EveryCellAndOptionMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  TfjsLayerOracle tfjs;
  std::vector<std::pair<std::string, size_t>> cases;
  auto add = [&](const std::string& what, LayerPtr layer) {
    cases.emplace_back(what, tfjs.add({.layers = {std::move(layer)}, .input_shape = {4, 2}}));
  };
  for (bool sequences : {false, true}) {
    for (bool backwards : {false, true}) {
      const std::string what =
          std::string(sequences ? " sequences" : "") + (backwards ? " go_backwards" : "");
      const RecurrentOptions o{.return_sequences = sequences, .go_backwards = backwards};
      add("SimpleRNN" + what, SimpleRNN(3, o));
      add("LSTM" + what, LSTM(3, o));
      RecurrentOptions gru = o;
      gru.reset_after = false;
      add("GRU" + what, GRU(3, gru));
    }
  }
  add("SimpleRNN relu", SimpleRNN(2, {.activation = "relu"}));
  add("LSTM no bias", LSTM(2, {.use_bias = false}));
  add("LSTM relu, tanh gates", LSTM(2, {.activation = "relu", .recurrent_activation = "tanh"}));
  add("GRU no bias, linear",
      GRU(2, {.activation = "linear", .use_bias = false, .reset_after = false}));
  ASSERT_TRUE(tfjs.run());
  for (const auto& [what, k] : cases) {
    SCOPED_TRACE(what);
    tfjs.expect_matches(k);
  }
}

TEST(RecurrentTfjsTest, EmbeddingAndMaskedSequencesMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  TfjsLayerOracle tfjs;
  std::vector<std::pair<std::string, size_t>> cases;
  cases.emplace_back("Embedding", tfjs.add({.layers = {Embedding(7, 3)},
                                            .input_shape = {4},
                                            .batch = 3,
                                            .input_low = 0.0f,
                                            .input_high = 7.0f,
                                            .integer_inputs = true}));
  cases.emplace_back("masked LSTM", tfjs.add(masked(LSTM(2))));
  cases.emplace_back("masked LSTM sequences backwards",
                     tfjs.add(masked(LSTM(2, {.return_sequences = true, .go_backwards = true}))));
  cases.emplace_back("masked GRU sequences",
                     tfjs.add(masked(GRU(2, {.return_sequences = true, .reset_after = false}))));
  cases.emplace_back("masked SimpleRNN backwards",
                     tfjs.add(masked(SimpleRNN(2, {.go_backwards = true}))));
  cases.emplace_back("masked Bidirectional LSTM",
                     tfjs.add(masked(Bidirectional(LSTM(2, {.return_sequences = true})))));
  ASSERT_TRUE(tfjs.run());
  for (const auto& [what, k] : cases) {
    SCOPED_TRACE(what);
    tfjs.expect_matches(k);
  }
}

TEST(RecurrentTfjsTest, BidirectionalAndTimeDistributedMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  TfjsLayerOracle tfjs;
  std::vector<std::pair<std::string, size_t>> cases;
  for (const char* mode : {"concat", "sum", "mul", "ave"}) {
    for (bool sequences : {false, true}) {
      cases.emplace_back(
          std::string("Bidirectional ") + mode + (sequences ? " sequences" : ""),
          tfjs.add({.layers = {Bidirectional(LSTM(2, {.return_sequences = sequences}),
                                             {.merge_mode = mode})},
                    .input_shape = {3, 2}}));
    }
  }
  cases.emplace_back(
      "Bidirectional GRU",
      tfjs.add({.layers = {Bidirectional(GRU(2, {.reset_after = false}))}, .input_shape = {3, 2}}));
  cases.emplace_back("TimeDistributed Dense",
                     tfjs.add({.layers = {TimeDistributed(Dense(3, {.activation = "tanh"}))},
                               .input_shape = {4, 2}}));
  cases.emplace_back(
      "LSTM -> TimeDistributed Dense",
      tfjs.add({.layers = {LSTM(3, {.return_sequences = true}), TimeDistributed(Dense(2))},
                .input_shape = {4, 2}}));
  ASSERT_TRUE(tfjs.run());
  for (const auto& [what, k] : cases) {
    SCOPED_TRACE(what);
    tfjs.expect_matches(k);
  }
}

}  // namespace
}  // namespace cairn::keras
