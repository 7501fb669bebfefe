// Layer wrappers, as tf.keras.layers.Bidirectional and TimeDistributed.
//
//   keras::Bidirectional(keras::LSTM(32, {.return_sequences = true}))      // (T, 64)
//   keras::Bidirectional(keras::GRU(16), {.merge_mode = "sum"})            // (16)
//   keras::TimeDistributed(keras::Dense(8), {.input_shape = {10, 4}})      // (10, 8)
//
// Bidirectional runs a copy of a recurrent layer forward ("forward_lstm")
// and one over the reversed sequence ("backward_lstm"), whose outputs are
// turned back in time before merging (concat, sum, mul or ave). Weights: the
// forward copy's, then the backward copy's, named
// "bidirectional/forward_lstm/lstm_cell/kernel" and so on; in a TF-format
// checkpoint under the "forward_layer/cell" and "backward_layer/cell" objects.
// TimeDistributed applies its layer to each timestep (the samples' first
// axis); its weights are the layer's, under the "layer" object.
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/layers/layer.h"

namespace cairn::keras {

class RecurrentLayer;

struct WrapperOptions {
  std::string merge_mode = "concat";  // Bidirectional: concat, sum, mul, ave
  std::optional<Shape> input_shape;   // on a model's first layer
  std::string name;
};

class Bidirectional : public Layer {
 public:
  // Throws InvalidArgumentError unless `layer` is a SimpleRNN, LSTM or GRU
  // and merge_mode one of concat, sum, mul, ave.
  explicit Bidirectional(LayerPtr layer, WrapperOptions options = {});

  std::string class_name() const override { return "Bidirectional"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  bool supports_masking() const override { return true; }
  const Mask* output_mask(const Mask* input_mask) const override;
  nn::VariableRefs weights() override;
  std::string weight_path(const nn::Variable& w) const override;
  Json config() const override;

  static Bidirectional from_config(const Json& config);

 private:
  void split_gradient(const nn::Matrix& d);
  Json layer_config_;  // {"class_name", "config"} of the wrapped layer
  std::string merge_mode_;
  LayerPtr forward_, backward_;  // copies of the wrapped layer
  bool sequences_ = false;
  int64_t steps_ = 1, units_ = 0;
  nn::Matrix y_forward_, y_backward_, y_, d_forward_, d_backward_, dx_;
};

class TimeDistributed : public Layer {
 public:
  explicit TimeDistributed(LayerPtr layer, WrapperOptions options = {});

  std::string class_name() const override { return "TimeDistributed"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  bool supports_masking() const override { return true; }
  bool fuses_gradient_step() const override { return layer_->fuses_gradient_step(); }
  nn::VariableRefs weights() override { return layer_->weights(); }
  std::string weight_path(const nn::Variable& w) const override;
  Json config() const override;

  static TimeDistributed from_config(const Json& config);

 private:
  LayerPtr layer_;
  int64_t steps_ = 0;
  nn::Matrix rows_, y_, d_rows_, dx_;
};

}  // namespace cairn::keras
