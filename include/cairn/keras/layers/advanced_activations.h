// The advanced activation layers, as tf.keras.layers.ReLU, LeakyReLU, PReLU,
// ELU and Softmax: element-wise (Softmax: along one axis), on inputs of any
// shape, which they keep.
//
//   keras::ReLU({.max_value = 6.0})              // relu6
//   keras::LeakyReLU(0.1)
//   keras::PReLU({.shared_axes = {1, 2}})         // one learned slope per channel of (H, W, C)
//   keras::ELU(0.5)
//   keras::Softmax(-1)
//
// Only PReLU has a weight: "<name>/alpha", shaped like the input with the
// shared axes (counted with the batch as axis 0, as Keras does) set to 1.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/rectifiers.h"

namespace cairn::keras {

// A weightless layer applying a function that keeps the input's shape.
class ElementwiseLayer : public Layer {
 public:
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  bool supports_masking() const override { return true; }

 protected:
  using Layer::Layer;
  virtual nn::Matrix apply(const nn::Matrix& x) const = 0;
  // dL/dx given the last input x, its output y and dL/dy.
  virtual nn::Matrix gradient(const nn::Matrix& x, const nn::Matrix& y,
                              const nn::Matrix& dy) const = 0;
  const nn::Matrix& last_input() const { return last_x_; }

 private:
  nn::Matrix last_x_, last_y_;
};

struct ReLUOptions {
  std::optional<double> max_value;  // none: unbounded
  double negative_slope = 0.0;
  double threshold = 0.0;
  std::string name;  // empty: "re_lu", ...
};

class ReLU : public ElementwiseLayer {
 public:
  // Throws InvalidArgumentError for a negative max_value or negative_slope.
  explicit ReLU(ReLUOptions options = {});
  std::string class_name() const override { return "ReLU"; }
  Json config() const override;
  static ReLU from_config(const Json& config);

 private:
  nn::Matrix apply(const nn::Matrix& x) const override;
  nn::Matrix gradient(const nn::Matrix& x, const nn::Matrix& y,
                      const nn::Matrix& dy) const override;
  ReLUOptions options_;
  nn::ReluOptions relu_;
};

class LeakyReLU : public ElementwiseLayer {
 public:
  // alpha: the slope below 0 (Keras 3 names it negative_slope); >= 0.
  explicit LeakyReLU(double alpha = 0.3, std::string name = "");
  std::string class_name() const override { return "LeakyReLU"; }
  Json config() const override;
  static LeakyReLU from_config(const Json& config);

 private:
  nn::Matrix apply(const nn::Matrix& x) const override;
  nn::Matrix gradient(const nn::Matrix& x, const nn::Matrix& y,
                      const nn::Matrix& dy) const override;
  double alpha_;
};

class ELU : public ElementwiseLayer {
 public:
  explicit ELU(double alpha = 1.0, std::string name = "");
  std::string class_name() const override { return "ELU"; }
  Json config() const override;
  static ELU from_config(const Json& config);

 private:
  nn::Matrix apply(const nn::Matrix& x) const override;
  nn::Matrix gradient(const nn::Matrix& x, const nn::Matrix& y,
                      const nn::Matrix& dy) const override;
  double alpha_;
};

class Softmax : public ElementwiseLayer {
 public:
  // axis counts the batch as axis 0; negative counts from the end.
  explicit Softmax(int64_t axis = -1, std::string name = "");
  std::string class_name() const override { return "Softmax"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  // Softmax over whole rows (flat samples) fuses with a cross-entropy loss.
  nn::Activation final_activation() const override;
  const nn::Matrix& last_preactivation() const override { return last_input(); }
  nn::Matrix backward_preactivation(const nn::Matrix& dz) override { return dz; }
  Json config() const override;
  static Softmax from_config(const Json& config);

 private:
  nn::Matrix apply(const nn::Matrix& x) const override;
  nn::Matrix gradient(const nn::Matrix& x, const nn::Matrix& y,
                      const nn::Matrix& dy) const override;
  int64_t axis_;
  nn::AxisSplit split_;
};

struct PReLUOptions {
  std::string alpha_initializer = "zeros";
  std::vector<int64_t> shared_axes;  // e.g. {1, 2}: one slope per channel of (H, W, C)
  std::optional<Shape> input_shape;
  std::string name;  // empty: "p_re_lu", ...
};

class PReLU : public Layer {
 public:
  explicit PReLU(PReLUOptions options = {});
  std::string class_name() const override { return "PReLU"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  bool supports_masking() const override { return true; }
  nn::VariableRefs weights() override;  // alpha
  Json config() const override;
  static PReLU from_config(const Json& config);

 private:
  PReLUOptions options_;
  std::optional<nn::Variable> alpha_;
  std::vector<int64_t> alpha_index_;  // the slope of each column of a row
  nn::Matrix last_x_;
};

}  // namespace cairn::keras
