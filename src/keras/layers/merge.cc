// The merge layers' shapes, configs and masks; their math is in nn/merge.
#include "cairn/keras/layers/merge.h"

#include "cairn/core/errors.h"
#include "cairn/nn/merge.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

std::string shapes_text(const std::vector<Shape>& shapes) {
  std::string text;
  for (const Shape& s : shapes) text += (text.empty() ? "" : ", ") + internal::shape_json(s).dump();
  return text;
}

MergeOptions merge_options(const Json& config) {
  return {.name = internal::name_from_config(config)};
}

}  // namespace

Shape Merge::build(const Shape& /*input_shape*/, std::mt19937_64& /*rng*/) {
  throw InvalidArgumentError("layer '" + name() + "' (" + class_name() +
                             ") merges several inputs: call it on a list of tensors in a Model");
}

nn::Matrix Merge::forward(const nn::Matrix& /*x*/, bool /*training*/, std::mt19937_64& /*rng*/) {
  throw InvalidArgumentError("layer '" + name() + "' (" + class_name() +
                             ") merges several inputs; it cannot run on one");
}

nn::Matrix Merge::backward(const nn::Matrix& /*dy*/) {
  throw InvalidArgumentError("layer '" + name() + "' (" + class_name() +
                             ") merges several inputs; it cannot run on one");
}

Shape Merge::build_merge(const std::vector<Shape>& input_shapes) {
  if (input_shapes.size() < 2) {
    throw InvalidArgumentError("layer '" + name() + "' (" + class_name() +
                               ") needs at least 2 inputs, got " +
                               std::to_string(input_shapes.size()));
  }
  input_shapes_ = input_shapes;
  return set_built(merged_shape(input_shapes));
}

Shape Merge::merged_shape(const std::vector<Shape>& shapes) {
  for (const Shape& s : shapes) {
    if (s != shapes[0]) {
      throw InvalidArgumentError("layer '" + name() + "' (" + class_name() +
                                 ") needs inputs of one shape, got " + shapes_text(shapes));
    }
  }
  return shapes[0];
}

const nn::Matrix& Merge::forward_merge(const std::vector<const nn::Matrix*>& xs) {
  if (xs.size() != input_shapes_.size()) {
    throw InvalidArgumentError("layer '" + name() + "' was built for " +
                               std::to_string(input_shapes_.size()) + " inputs, got " +
                               std::to_string(xs.size()));
  }
  inputs_ = xs;
  merge(xs, output_);
  return output_;
}

const std::vector<nn::Matrix>& Merge::backward_merge(const nn::Matrix& dy) {
  grads_.resize(inputs_.size());
  for (size_t i = 0; i < inputs_.size(); ++i)
    grads_[i].resize(inputs_[i]->rows(), inputs_[i]->cols());
  unmerge(dy, grads_);
  return grads_;
}

std::optional<Layer::Mask> Merge::merge_masks(const std::vector<const Mask*>& masks) const {
  std::optional<Mask> all;
  for (const Mask* m : masks) {
    if (m == nullptr) continue;
    if (!all) {
      all = *m;
    } else {
      *all = all->cwiseProduct(*m);
    }
  }
  return all;
}

// Element-wise merges.

void Add::merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const {
  nn::merge_sum(xs, 1.0f, out);
}

void Add::unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const {
  for (nn::Matrix& g : grads) g = dy;
}

Shape Subtract::merged_shape(const std::vector<Shape>& shapes) {
  if (shapes.size() != 2) {
    throw InvalidArgumentError("layer '" + name() + "' (Subtract) needs exactly 2 inputs, got " +
                               std::to_string(shapes.size()));
  }
  return Merge::merged_shape(shapes);
}

void Subtract::merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const {
  out = *xs[0] - *xs[1];
}

void Subtract::unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const {
  grads[0] = dy;
  grads[1] = -dy;
}

void Multiply::merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const {
  nn::merge_product(xs, out);
}

void Multiply::unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const {
  nn::merge_product_backward(last_inputs(), dy, grads);
}

void Average::merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const {
  nn::merge_sum(xs, 1.0f / static_cast<float>(xs.size()), out);
}

void Average::unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const {
  for (nn::Matrix& g : grads) g = dy / static_cast<float>(grads.size());
}

void Maximum::merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const {
  nn::merge_maximum(xs, out);
}

void Maximum::unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const {
  nn::merge_maximum_backward(last_inputs(), dy, grads);
}

Add Add::from_config(const Json& config) { return Add(merge_options(config)); }
Subtract Subtract::from_config(const Json& config) { return Subtract(merge_options(config)); }
Multiply Multiply::from_config(const Json& config) { return Multiply(merge_options(config)); }
Average Average::from_config(const Json& config) { return Average(merge_options(config)); }
Maximum Maximum::from_config(const Json& config) { return Maximum(merge_options(config)); }

}  // namespace cairn::keras
