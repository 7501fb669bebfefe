// Reshape, Permute and RepeatVector: layers that move a sample's elements
// without arithmetic, as tf.keras.layers.Reshape, Permute and RepeatVector.
//
//   keras::Reshape({7, 7, -1})    // (3136) -> (7, 7, 64): one -1 takes what is left
//   keras::Permute({2, 1})        // (steps, features) -> (features, steps); 1-based axes
//   keras::RepeatVector(10)       // (features) -> (10, features)
//
// No weights. Rows keep samples flat (layer.h), so Reshape moves no data;
// the math of the other two is in cairn/nn/rearrange.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/rearrange.h"

namespace cairn::keras {

struct ReshapeOptions {
  std::optional<Shape> input_shape;
  std::string name;
};

class Reshape : public Layer {
 public:
  // Throws InvalidArgumentError for more than one -1 or a size below 1.
  explicit Reshape(Shape target_shape, ReshapeOptions options = {});

  std::string class_name() const override { return "Reshape"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override;
  nn::Matrix forward(const nn::Matrix& x, bool, std::mt19937_64&) override { return x; }
  nn::Matrix backward(const nn::Matrix& dy) override { return dy; }
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool, std::mt19937_64&) override { return x; }
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions&) override { return d; }
  Json config() const override;

  const Shape& target_shape() const { return target_shape_; }
  static Reshape from_config(const Json& config);

 private:
  Shape target_shape_;
};

class Permute : public Layer {
 public:
  // `dims`: a permutation of 1..rank (axis 0 is the batch and stays).
  explicit Permute(std::vector<int> dims, ReshapeOptions options = {});

  std::string class_name() const override { return "Permute"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  Json config() const override;

  const std::vector<int>& dims() const { return dims_; }
  static Permute from_config(const Json& config);

 private:
  const nn::AxisPermutation& permutation();

  std::vector<int> dims_;
  Shape input_shape_;
  // Made at the first forward(): its index table is as large as a sample.
  std::unique_ptr<nn::AxisPermutation> permutation_;
};

class RepeatVector : public Layer {
 public:
  // Throws InvalidArgumentError unless n is in [1, 2^31).
  explicit RepeatVector(int64_t n, ReshapeOptions options = {});

  std::string class_name() const override { return "RepeatVector"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  Json config() const override;

  int64_t n() const { return n_; }
  static RepeatVector from_config(const Json& config);

 private:
  int64_t n_;
};

}  // namespace cairn::keras
