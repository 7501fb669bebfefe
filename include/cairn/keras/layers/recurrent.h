// SimpleRNN, LSTM and GRU: recurrent layers over sequences of shape
// (timesteps, features), as tf.keras.layers.SimpleRNN / LSTM / GRU.
//
//   keras::Sequential model({
//       keras::Embedding(10000, 64, {.mask_zero = true, .input_shape = {200}}),
//       keras::LSTM(128),                                   // [batch, 128]
//       keras::Dense(1, {.activation = "sigmoid"}),
//   });
//   keras::GRU(32, {.return_sequences = true, .reset_after = false})  // [batch, T, 32]
//
// Weights as Keras names and orders them: "<name>/<cell>/kernel" [features,
// gates·units], ".../recurrent_kernel" [units, gates·units], ".../bias"
// (gates LSTM i, f, c, o; GRU z, r, h; a GRU with reset_after has a [2,
// 3·units] bias), <cell> being "lstm_cell", "gru_cell" or "simple_rnn_cell".
// In a TF-format checkpoint they sit under the layer's "cell" object.
// A mask from the layer before (Embedding with mask_zero) skips padded steps.
// The number of timesteps must be known when the layer is built.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/recurrent.h"

namespace cairn::keras {

struct RecurrentOptions {
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";  // LSTM and GRU gates
  bool use_bias = true;
  bool return_sequences = false;
  bool go_backwards = false;
  bool reset_after = true;       // GRU only
  bool unit_forget_bias = true;  // LSTM only: the forget gate's bias starts at 1
  std::string kernel_initializer = "glorot_uniform";
  std::string recurrent_initializer = "orthogonal";
  std::string bias_initializer = "zeros";
  // Kept in the config for Keras; only 0 can be trained (inference ignores them).
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<Shape> input_shape;  // (timesteps, features), on a model's first layer
  std::string name;
};

// What SimpleRNN, LSTM and GRU share; not built directly.
class RecurrentLayer : public Layer {
 public:
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  bool supports_masking() const override { return true; }
  // The input's mask when return_sequences (Keras's compute_mask), else none.
  const Mask* output_mask(const Mask* input_mask) const override;
  nn::VariableRefs weights() override;
  std::string weight_path(const nn::Variable& w) const override;
  Json config() const override;

  int64_t units() const { return units_; }
  const RecurrentOptions& options() const { return options_; }
  // The scope its weights are named under ("<layer name>" by default);
  // Bidirectional names its copies "bidirectional/forward_lstm". Before build().
  void set_weight_scope(std::string scope) { scope_ = std::move(scope); }
  // The states the next forward() starts from ([batch, units]; c for an
  // LSTM), as Keras's initial_state; nullptr: zeros. The caller keeps them
  // alive until that forward() returns. After backward(),
  // initial_state_gradients() holds dL/dh0 (and dL/dc0).
  void set_initial_state(const nn::Matrix* h, const nn::Matrix* c = nullptr) {
    initial_ = {.h = h, .c = c};
  }
  std::pair<const nn::Matrix&, const nn::Matrix&> initial_state_gradients() {
    return {recurrent().initial_h_gradient(), recurrent().initial_c_gradient()};
  }

 protected:
  RecurrentLayer(nn::CellKind cell, const std::string& base, int64_t units,
                 RecurrentOptions options);
  // Reads the fields every recurrent config shares (Keras 2.1 to 3).
  static RecurrentOptions options_from_config(const Json& config, const std::string& class_name);
  static int64_t units_from_config(const Json& config, const std::string& class_name);

 private:
  nn::Recurrent& recurrent();
  const char* cell_name() const;
  nn::CellKind cell_;
  int64_t units_;
  RecurrentOptions options_;
  std::string scope_;
  nn::InitialState initial_;
  std::optional<nn::Recurrent> recurrent_;
};

class SimpleRNN : public RecurrentLayer {
 public:
  // Throws InvalidArgumentError for units < 1 or an unknown activation/initializer.
  explicit SimpleRNN(int64_t units, RecurrentOptions options = {});
  std::string class_name() const override { return "SimpleRNN"; }
  static SimpleRNN from_config(const Json& config);
};

class LSTM : public RecurrentLayer {
 public:
  explicit LSTM(int64_t units, RecurrentOptions options = {});
  std::string class_name() const override { return "LSTM"; }
  static LSTM from_config(const Json& config);
};

class GRU : public RecurrentLayer {
 public:
  explicit GRU(int64_t units, RecurrentOptions options = {});
  std::string class_name() const override { return "GRU"; }
  static GRU from_config(const Json& config);
};

}  // namespace cairn::keras
