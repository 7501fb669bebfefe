// Embedding: turns ids into dense vectors, as tf.keras.layers.Embedding.
// Samples of shape (n,) hold ids (as float values in the rows); the output is
// (n, output_dim). With mask_zero, id 0 is padding: the layer's output mask
// marks those steps, and an RNN after it skips them.
//
//   keras::Sequential model({
//       keras::Embedding(10000, 64, {.mask_zero = true, .input_shape = {200}}),
//       keras::LSTM(128),
//       keras::Dense(1, {.activation = "sigmoid"}),
//   });
//
// Weight "<name>/embeddings" [input_dim, output_dim] (Keras's RandomUniform
// ±0.05 by default). An id outside [0, input_dim) is an InvalidArgumentError.
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/layers/layer.h"

namespace cairn::keras {

struct EmbeddingOptions {
  bool mask_zero = false;
  std::string embeddings_initializer = "random_uniform";
  std::optional<Shape> input_shape;  // e.g. {timesteps}, on a model's first layer
  std::string name;                  // empty: "embedding", "embedding_1", ...
};

class Embedding : public Layer {
 public:
  // Throws InvalidArgumentError unless both sizes are in [1, 2^31) and their
  // product fits in int64, or for an unknown initializer.
  Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options = {});

  std::string class_name() const override { return "Embedding"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  // Sets the embeddings' gradient; ids have none: returns zeros.
  nn::Matrix backward(const nn::Matrix& dy) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  // With mask_zero: 1 where the id is not 0, per position, from the last forward().
  const Mask* output_mask(const Mask* input_mask) const override;
  nn::VariableRefs weights() override;
  Json config() const override;

  static Embedding from_config(const Json& config);

 private:
  int64_t input_dim_, output_dim_;
  EmbeddingOptions options_;
  std::optional<nn::Variable> embeddings_;
  nn::Matrix ids_, y_, dx_, mask_;
};

}  // namespace cairn::keras
