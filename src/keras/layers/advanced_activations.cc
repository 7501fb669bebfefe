#include "cairn/keras/layers/advanced_activations.h"

#include <cmath>

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

void check_non_negative(double value, const char* field, const std::string& layer,
                        const char* class_name) {
  if (!(value >= 0.0 && std::isfinite(value))) {
    throw InvalidArgumentError("layer '" + layer + "' (" + class_name + "): " + field +
                               " must be a non-negative number, got " + std::to_string(value));
  }
}

}  // namespace

Shape ElementwiseLayer::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  return set_built(input_shape);
}

nn::Matrix ElementwiseLayer::forward(const nn::Matrix& x, bool /*training*/,
                                     std::mt19937_64& /*rng*/) {
  last_x_ = x;
  last_y_ = apply(x);
  return last_y_;
}

nn::Matrix ElementwiseLayer::backward(const nn::Matrix& dy) {
  return gradient(last_x_, last_y_, dy);
}

ReLU::ReLU(ReLUOptions options)
    : ElementwiseLayer("re_lu", options.name, std::nullopt), options_(std::move(options)) {
  if (options_.max_value) check_non_negative(*options_.max_value, "max_value", name(), "ReLU");
  check_non_negative(options_.negative_slope, "negative_slope", name(), "ReLU");
  if (!std::isfinite(options_.threshold)) {
    throw InvalidArgumentError("layer '" + name() + "' (ReLU): threshold must be finite");
  }
  relu_ = nn::ReluOptions{
      .max_value = options_.max_value
                       ? std::optional<float>(static_cast<float>(*options_.max_value))
                       : std::nullopt,
      .negative_slope = static_cast<float>(options_.negative_slope),
      .threshold = static_cast<float>(options_.threshold)};
}

nn::Matrix ReLU::apply(const nn::Matrix& x) const { return nn::relu(x, relu_); }

nn::Matrix ReLU::gradient(const nn::Matrix& x, const nn::Matrix& /*y*/,
                          const nn::Matrix& dy) const {
  return nn::relu_backward(x, dy, relu_);
}

Json ReLU::config() const {
  Json c = base_config();
  c["max_value"] = options_.max_value ? Json(*options_.max_value) : Json(nullptr);
  c["negative_slope"] = options_.negative_slope;
  c["threshold"] = options_.threshold;
  return c;
}

ReLU ReLU::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  ReLUOptions o{
      .negative_slope = internal::number_field(config, "negative_slope", 0.0, name, "ReLU"),
      .threshold = internal::number_field(config, "threshold", 0.0, name, "ReLU"),
      .name = name};
  if (config.contains("max_value") && !config["max_value"].is_null()) {
    o.max_value = internal::number_field(config, "max_value", 0.0, name, "ReLU");
  }
  return ReLU(std::move(o));
}

LeakyReLU::LeakyReLU(double alpha, std::string name)
    : ElementwiseLayer("leaky_re_lu", std::move(name), std::nullopt), alpha_(alpha) {
  check_non_negative(alpha, "alpha", this->name(), "LeakyReLU");
}

nn::Matrix LeakyReLU::apply(const nn::Matrix& x) const {
  return nn::relu(x, {.negative_slope = static_cast<float>(alpha_)});
}

nn::Matrix LeakyReLU::gradient(const nn::Matrix& x, const nn::Matrix& /*y*/,
                               const nn::Matrix& dy) const {
  return nn::relu_backward(x, dy, {.negative_slope = static_cast<float>(alpha_)});
}

Json LeakyReLU::config() const {
  Json c = base_config();
  c["alpha"] = alpha_;
  return c;
}

LeakyReLU LeakyReLU::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  // Keras 2 writes "alpha", Keras 3 "negative_slope"; both default to 0.3.
  const char* key = config.contains("negative_slope") ? "negative_slope" : "alpha";
  return LeakyReLU(internal::number_field(config, key, 0.3, name, "LeakyReLU"), name);
}

ELU::ELU(double alpha, std::string name)
    : ElementwiseLayer("elu", std::move(name), std::nullopt), alpha_(alpha) {
  if (!std::isfinite(alpha)) {
    throw InvalidArgumentError("layer '" + this->name() + "' (ELU): alpha must be finite");
  }
}

nn::Matrix ELU::apply(const nn::Matrix& x) const { return nn::elu(x, static_cast<float>(alpha_)); }

nn::Matrix ELU::gradient(const nn::Matrix& x, const nn::Matrix& /*y*/, const nn::Matrix& dy) const {
  return nn::elu_backward(x, dy, static_cast<float>(alpha_));
}

Json ELU::config() const {
  Json c = base_config();
  c["alpha"] = alpha_;
  return c;
}

ELU ELU::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  return ELU(internal::number_field(config, "alpha", 1.0, name, "ELU"), name);
}

Softmax::Softmax(int64_t axis, std::string name)
    : ElementwiseLayer("softmax", std::move(name), std::nullopt), axis_(axis) {}

Shape Softmax::build(const Shape& input_shape, std::mt19937_64& rng) {
  const auto rank = static_cast<int64_t>(input_shape.size());  // without the batch
  const int64_t axis = axis_ < 0 ? axis_ + rank + 1 : axis_;
  if (axis < 1 || axis > rank) {
    throw InvalidArgumentError("layer '" + name() + "' (Softmax): axis " + std::to_string(axis_) +
                               " is not an axis of samples of shape " +
                               internal::shape_json(input_shape).dump() +
                               " (the batch axis 0 cannot be normalized)");
  }
  split_ = nn::AxisSplit{.outer = 1, .n = input_shape[static_cast<size_t>(axis - 1)], .inner = 1};
  for (int64_t i = 0; i < axis - 1; ++i) split_.outer *= input_shape[static_cast<size_t>(i)];
  for (int64_t i = axis; i < rank; ++i) split_.inner *= input_shape[static_cast<size_t>(i)];
  return ElementwiseLayer::build(input_shape, rng);
}

nn::Activation Softmax::final_activation() const {
  return split_.outer == 1 && split_.inner == 1 ? nn::Activation::kSoftmax
                                                : nn::Activation::kLinear;
}

nn::Matrix Softmax::apply(const nn::Matrix& x) const { return nn::softmax_along(x, split_); }

nn::Matrix Softmax::gradient(const nn::Matrix& /*x*/, const nn::Matrix& y,
                             const nn::Matrix& dy) const {
  return nn::softmax_along_backward(y, dy, split_);
}

Json Softmax::config() const {
  Json c = base_config();
  c["axis"] = axis_;
  return c;
}

Softmax Softmax::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  return Softmax(internal::axis_field(config, -1, name, "Softmax"), name);
}

}  // namespace cairn::keras
