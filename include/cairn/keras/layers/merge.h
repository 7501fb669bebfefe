// Merge layers: layers of a functional model that combine several tensors
// into one, as tf.keras.layers.Concatenate, Add, Subtract, Multiply, Average
// and Maximum.
//
//   keras::KerasTensor a = keras::Input({8}, "a"), b = keras::Input({8}, "b");
//   keras::KerasTensor sum = keras::Add()({a, b});                   // (None, 8)
//   keras::KerasTensor both = keras::Concatenate()({a, b});          // (None, 16)
//   keras::KerasTensor rows = keras::Concatenate({.axis = 1})({x, y});   // along the first axis
//
// Element-wise merges take inputs of one shape (Subtract exactly two);
// Concatenate takes shapes equal except on `axis` (Keras's: -1 the last,
// 1 the first axis after the batch). They have no weights. Masks merge as
// Keras's: a step is present when it is present in every input.
#pragma once

#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"

namespace cairn::keras {

struct MergeOptions {
  std::string name;  // empty: "add", "add_1", ... (per class)
};

// The base of the merge layers (Keras's _Merge): run on several inputs.
// The one-input Layer methods throw InvalidArgumentError.
class Merge : public Layer {
 public:
  Shape build(const Shape& input_shape, std::mt19937_64& rng) final;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) final;
  nn::Matrix backward(const nn::Matrix& dy) final;
  Json config() const override { return base_config(); }

  // Checks the input shapes (at least two) and returns the output shape.
  Shape build_merge(const std::vector<Shape>& input_shapes);
  // The output rows for these input rows, held until the next call.
  const nn::Matrix& forward_merge(const std::vector<const nn::Matrix*>& xs);
  // dL/d(each input) given dL/d(output) of the last forward_merge().
  const std::vector<nn::Matrix>& backward_merge(const nn::Matrix& dy);
  // The output mask (Keras's compute_mask): nullopt when no input has one.
  virtual std::optional<Mask> merge_masks(const std::vector<const Mask*>& masks) const;
  const std::vector<Shape>& input_shapes() const { return input_shapes_; }

 protected:
  Merge(const std::string& base, const MergeOptions& options) : Layer(base, options.name, {}) {}
  // The output shape for these input shapes (already at least two).
  virtual Shape merged_shape(const std::vector<Shape>& shapes);
  virtual void merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const = 0;
  // Fills grads (one per input, sized like the inputs of the last forward).
  virtual void unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const = 0;
  // The inputs of the last forward_merge().
  const std::vector<const nn::Matrix*>& last_inputs() const { return inputs_; }
  const nn::Matrix& last_output() const { return output_; }

 private:
  std::vector<Shape> input_shapes_;
  std::vector<const nn::Matrix*> inputs_;
  nn::Matrix output_;
  std::vector<nn::Matrix> grads_;
};

// x1 + x2 + ...
class Add : public Merge {
 public:
  explicit Add(MergeOptions options = {}) : Merge("add", options) {}
  std::string class_name() const override { return "Add"; }
  static Add from_config(const Json& config);

 private:
  void merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const override;
  void unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const override;
};

// x1 - x2 (exactly two inputs).
class Subtract : public Merge {
 public:
  explicit Subtract(MergeOptions options = {}) : Merge("subtract", options) {}
  std::string class_name() const override { return "Subtract"; }
  static Subtract from_config(const Json& config);

 private:
  Shape merged_shape(const std::vector<Shape>& shapes) override;
  void merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const override;
  void unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const override;
};

// x1 * x2 * ... element-wise.
class Multiply : public Merge {
 public:
  explicit Multiply(MergeOptions options = {}) : Merge("multiply", options) {}
  std::string class_name() const override { return "Multiply"; }
  static Multiply from_config(const Json& config);

 private:
  void merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const override;
  void unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const override;
};

// (x1 + x2 + ...) / n.
class Average : public Merge {
 public:
  explicit Average(MergeOptions options = {}) : Merge("average", options) {}
  std::string class_name() const override { return "Average"; }
  static Average from_config(const Json& config);

 private:
  void merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const override;
  void unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const override;
};

// max(x1, x2, ...) element-wise; the gradient goes to the first input
// holding the maximum, as TensorFlow's chained tf.maximum.
class Maximum : public Merge {
 public:
  explicit Maximum(MergeOptions options = {}) : Merge("maximum", options) {}
  std::string class_name() const override { return "Maximum"; }
  static Maximum from_config(const Json& config);

 private:
  void merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const override;
  void unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const override;
};

struct ConcatenateOptions {
  int axis = -1;  // as Keras's (the batch is axis 0)
  std::string name;
};

// The inputs side by side along `axis`.
class Concatenate : public Merge {
 public:
  explicit Concatenate(ConcatenateOptions options = {});
  std::string class_name() const override { return "Concatenate"; }
  Json config() const override;
  std::optional<Mask> merge_masks(const std::vector<const Mask*>& masks) const override;
  // Throws InvalidArgumentError for a missing or non-integer axis.
  static Concatenate from_config(const Json& config);

 private:
  Shape merged_shape(const std::vector<Shape>& shapes) override;
  void merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const override;
  void unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const override;
  // The sample axis (0-based, without the batch) of `axis_` for this rank.
  size_t sample_axis(size_t rank) const;

  int axis_;
  // Per build: the rows of a sample are `outer_` blocks, input i's block
  // holding `block_[i]` values.
  int64_t outer_ = 1;
  std::vector<int64_t> block_;
};

}  // namespace cairn::keras
