// Concatenate: the inputs side by side along one axis of their samples.
#include "cairn/core/errors.h"
#include "cairn/keras/layers/merge.h"
#include "cairn/nn/merge.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

Concatenate::Concatenate(ConcatenateOptions options)
    : Merge("concatenate", {.name = options.name}), axis_(options.axis) {
  if (axis_ == 0) {
    throw InvalidArgumentError("layer '" + name() +
                               "' (Concatenate): axis 0 is the batch; give -1 or an axis >= 1");
  }
}

size_t Concatenate::sample_axis(size_t rank) const {
  const int64_t axis = axis_ < 0 ? static_cast<int64_t>(rank) + axis_ : axis_ - 1;
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) {
    throw InvalidArgumentError("layer '" + name() + "' (Concatenate): axis " +
                               std::to_string(axis_) + " is outside inputs of rank " +
                               std::to_string(rank + 1) + " (with the batch)");
  }
  return static_cast<size_t>(axis);
}

Shape Concatenate::merged_shape(const std::vector<Shape>& shapes) {
  const size_t axis = sample_axis(shapes[0].size());
  Shape out = shapes[0];
  out[axis] = 0;
  block_.clear();
  for (const Shape& s : shapes) {
    bool fits = s.size() == shapes[0].size();
    for (size_t d = 0; fits && d < s.size(); ++d) fits = d == axis || s[d] == shapes[0][d];
    if (!fits) {
      std::string text;
      for (const Shape& t : shapes) text += " " + internal::shape_json(t).dump();
      throw InvalidArgumentError("layer '" + name() + "' (Concatenate) needs inputs whose shapes " +
                                 "match except on axis " + std::to_string(axis_) + ", got" + text);
    }
    out[axis] += s[axis];
    int64_t block = 1;
    for (size_t d = axis; d < s.size(); ++d) block *= s[d];
    block_.push_back(block);
  }
  outer_ = 1;
  for (size_t d = 0; d < axis; ++d) outer_ *= shapes[0][d];
  return out;
}

void Concatenate::merge(const std::vector<const nn::Matrix*>& xs, nn::Matrix& out) const {
  nn::concatenate_blocks(xs, outer_, block_, out);
}

void Concatenate::unmerge(const nn::Matrix& dy, std::vector<nn::Matrix>& grads) const {
  nn::split_blocks(dy, outer_, block_, grads);
}

std::optional<Layer::Mask> Concatenate::merge_masks(const std::vector<const Mask*>& masks) const {
  // A mask has one value per step of the first sample axis: concatenating
  // along that axis concatenates the masks (absent ones all present);
  // along any other axis a step is present where it is in every input.
  const bool along_steps =
      input_shapes()[0].size() >= 2 && sample_axis(input_shapes()[0].size()) == 0;
  if (!along_steps) return Merge::merge_masks(masks);
  bool any = false;
  for (const Mask* m : masks) any = any || m != nullptr;
  if (!any) return std::nullopt;
  std::vector<nn::Matrix> full(masks.size());
  std::vector<const nn::Matrix*> parts;
  std::vector<int64_t> steps;
  Eigen::Index rows = 0;
  for (const Mask* m : masks) rows = m != nullptr ? m->rows() : rows;
  for (size_t i = 0; i < masks.size(); ++i) {
    steps.push_back(input_shapes()[i][0]);
    if (masks[i] == nullptr) full[i].setOnes(rows, steps.back());
    parts.push_back(masks[i] != nullptr ? masks[i] : &full[i]);
  }
  nn::Matrix out;
  nn::concatenate_blocks(parts, 1, steps, out);
  return out;
}

Json Concatenate::config() const {
  Json c = base_config();
  c["axis"] = axis_;
  return c;
}

Concatenate Concatenate::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  if (config.contains("axis") && !config["axis"].is_number_integer()) {
    throw InvalidArgumentError("layer '" + name +
                               "' (Concatenate): 'axis' must be an integer, got " +
                               config["axis"].dump());
  }
  const int64_t axis = config.value("axis", int64_t{-1});
  if (axis < -1000 || axis > 1000) {
    throw InvalidArgumentError("layer '" + name + "' (Concatenate): axis " + std::to_string(axis) +
                               " is out of range");
  }
  return Concatenate({.axis = static_cast<int>(axis), .name = name});
}

}  // namespace cairn::keras
