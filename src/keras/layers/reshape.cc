#include "cairn/keras/layers/reshape.h"

#include <algorithm>

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

std::string dims_text(const std::vector<int>& dims) {
  std::string text;
  for (int d : dims) text += (text.empty() ? "" : ", ") + std::to_string(d);
  return "(" + text + ")";
}

// A config's list of integers under `key`; InvalidArgumentError otherwise.
std::vector<int64_t> int_list(const Json& config, const char* key, const char* class_name) {
  const std::string name = internal::name_from_config(config);
  std::vector<int64_t> values;
  const bool is_list = config.contains(key) && config[key].is_array();
  if (is_list) {
    for (const Json& v : config[key]) {
      if (v.is_number_integer()) values.push_back(v.get<int64_t>());
    }
  }
  if (!is_list || values.size() != config[key].size()) {
    throw InvalidArgumentError("layer '" + name + "' (" + class_name +
                               "): config has no list of "
                               "integers '" +
                               key + "'");
  }
  return values;
}

}  // namespace

Reshape::Reshape(Shape target_shape, ReshapeOptions options)
    : Layer("reshape", std::move(options.name), std::move(options.input_shape)),
      target_shape_(std::move(target_shape)) {
  if (std::count(target_shape_.begin(), target_shape_.end(), -1) > 1) {
    throw InvalidArgumentError("layer '" + name() + "': target_shape " +
                               internal::shape_json(target_shape_).dump() +
                               " may have one -1 at most");
  }
  for (int64_t d : target_shape_) {
    if (d != -1) internal::check_size(d, name(), "a target_shape dimension");
  }
}

std::optional<Layer::BuildPlan> Reshape::plan_build(const Shape& input_shape) const {
  const int64_t size = internal::sample_size(input_shape, name());
  Shape out = target_shape_;
  const auto unknown = std::find(out.begin(), out.end(), -1);
  int64_t known = 1;  // the product of the given dimensions, while it is at most `size`
  for (int64_t d : out) {
    if (d != -1) known = known <= size ? known * d : known;  // both < 2^31: no overflow
  }
  const bool fits = unknown == out.end() ? known == size : known <= size && size % known == 0;
  if (!fits) {
    throw InvalidArgumentError("layer '" + name() + "' (Reshape): cannot reshape inputs of shape " +
                               internal::shape_json(input_shape).dump() + " (" +
                               std::to_string(size) + " values) to " +
                               internal::shape_json(target_shape_).dump());
  }
  if (unknown != out.end()) *unknown = size / known;
  return BuildPlan{.output_shape = out};
}

Shape Reshape::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  return set_built(plan_build(input_shape)->output_shape);
}

Json Reshape::config() const {
  Json c = base_config();
  c["target_shape"] = target_shape_;
  return c;
}

Reshape Reshape::from_config(const Json& config) {
  return Reshape(int_list(config, "target_shape", "Reshape"),
                 {.input_shape = internal::input_shape_from_config(config),
                  .name = internal::name_from_config(config)});
}

Permute::Permute(std::vector<int> dims, ReshapeOptions options)
    : Layer("permute", std::move(options.name), std::move(options.input_shape)),
      dims_(std::move(dims)) {
  std::vector<int> sorted = dims_;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i] != static_cast<int>(i) + 1) {
      throw InvalidArgumentError("layer '" + name() + "': dims " + dims_text(dims_) +
                                 " must be a permutation of 1.." + std::to_string(dims_.size()));
    }
  }
}

std::optional<Layer::BuildPlan> Permute::plan_build(const Shape& input_shape) const {
  internal::sample_size(input_shape, name());
  if (input_shape.size() != dims_.size()) {
    throw InvalidArgumentError("layer '" + name() + "' (Permute): dims " + dims_text(dims_) +
                               " do not fit inputs of shape " +
                               internal::shape_json(input_shape).dump());
  }
  Shape out;
  for (int d : dims_) out.push_back(input_shape[static_cast<size_t>(d - 1)]);
  return BuildPlan{.output_shape = out};
}

Shape Permute::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  const BuildPlan plan = *plan_build(input_shape);
  input_shape_ = input_shape;
  permutation_.reset();
  return set_built(plan.output_shape);
}

const nn::AxisPermutation& Permute::permutation() {
  if (!built()) throw FailedPreconditionError("layer '" + name() + "' is not built");
  if (!permutation_) {
    std::vector<int> order;
    for (int d : dims_) order.push_back(d - 1);
    permutation_ = std::make_unique<nn::AxisPermutation>(input_shape_, order);
  }
  return *permutation_;
}

nn::Matrix Permute::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  return permutation().forward(x);
}

nn::Matrix Permute::backward(const nn::Matrix& dy) { return permutation().backward(dy); }

Json Permute::config() const {
  Json c = base_config();
  c["dims"] = dims_;
  return c;
}

Permute Permute::from_config(const Json& config) {
  std::vector<int> dims;
  for (int64_t d : int_list(config, "dims", "Permute")) {
    dims.push_back(static_cast<int>(std::clamp<int64_t>(d, -1, 1 << 20)));
  }
  return Permute(std::move(dims), {.input_shape = internal::input_shape_from_config(config),
                                   .name = internal::name_from_config(config)});
}

RepeatVector::RepeatVector(int64_t n, ReshapeOptions options)
    : Layer("repeat_vector", std::move(options.name), std::move(options.input_shape)), n_(n) {
  internal::check_size(n, name(), "n");
}

std::optional<Layer::BuildPlan> RepeatVector::plan_build(const Shape& input_shape) const {
  if (input_shape.size() != 1) {
    throw InvalidArgumentError("layer '" + name() +
                               "' (RepeatVector) needs inputs of rank 1, got "
                               "shape " +
                               internal::shape_json(input_shape).dump());
  }
  const Shape out{n_, input_shape[0]};
  internal::sample_size(out, name());
  return BuildPlan{.output_shape = out};
}

Shape RepeatVector::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  return set_built(plan_build(input_shape)->output_shape);
}

nn::Matrix RepeatVector::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  return nn::repeat_row_blocks(x, n_);
}

nn::Matrix RepeatVector::backward(const nn::Matrix& dy) { return nn::sum_row_blocks(dy, n_); }

Json RepeatVector::config() const {
  Json c = base_config();
  c["n"] = n_;
  return c;
}

RepeatVector RepeatVector::from_config(const Json& config) {
  return RepeatVector(
      internal::int_from_config(config, "n", internal::name_from_config(config), "RepeatVector"),
      {.input_shape = internal::input_shape_from_config(config),
       .name = internal::name_from_config(config)});
}

}  // namespace cairn::keras
