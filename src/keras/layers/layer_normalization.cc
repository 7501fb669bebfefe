#include "cairn/keras/layers/normalization.h"

#include <cmath>

#include "cairn/core/errors.h"
#include "keras/layers/channel_weights.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {
constexpr const char* kClass = "LayerNormalization";
}  // namespace

LayerNormalization::LayerNormalization(LayerNormalizationOptions options)
    : Layer("layer_normalization", options.name, options.input_shape),
      options_(std::move(options)) {
  if (!(options_.epsilon > 0.0 && std::isfinite(options_.epsilon))) {
    throw InvalidArgumentError("layer '" + name() + "' (" + kClass +
                               "): epsilon must be a positive number, got " +
                               std::to_string(options_.epsilon));
  }
  for (const std::string* init : {&options_.beta_initializer, &options_.gamma_initializer}) {
    if (!internal::is_known_initializer(*init)) {
      throw InvalidArgumentError("layer '" + name() + "' (" + kClass + "): unknown initializer '" +
                                 *init + "'");
    }
  }
}

Shape LayerNormalization::build(const Shape& input_shape, std::mt19937_64& rng) {
  channels_ = internal::normalized_channels(input_shape, options_.axis, name(), kClass);
  norm_.emplace(channels_, static_cast<float>(options_.epsilon));
  if (options_.scale) {
    gamma_ = internal::channel_variable(name(), "gamma", channels_, options_.gamma_initializer,
                                        true, rng);
  }
  if (options_.center) {
    beta_ =
        internal::channel_variable(name(), "beta", channels_, options_.beta_initializer, true, rng);
  }
  return set_built(input_shape);
}

nn::RowVector LayerNormalization::gamma() const {
  return internal::channel_row(gamma_, channels_, 1.0f);
}

nn::RowVector LayerNormalization::beta() const {
  return internal::channel_row(beta_, channels_, 0.0f);
}

nn::Matrix LayerNormalization::forward(const nn::Matrix& x, bool /*training*/,
                                       std::mt19937_64& /*rng*/) {
  if (!norm_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return norm_->forward(x, gamma(), beta());
}

nn::Matrix LayerNormalization::backward(const nn::Matrix& dy) {
  if (!norm_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  nn::NormGradients g = norm_->backward(dy, gamma());
  internal::set_channel_gradient(gamma_, g.dgamma);
  internal::set_channel_gradient(beta_, g.dbeta);
  return std::move(g.dx);
}

nn::VariableRefs LayerNormalization::weights() {
  nn::VariableRefs refs;
  if (gamma_) refs.push_back(&*gamma_);
  if (beta_) refs.push_back(&*beta_);
  return refs;
}

Json LayerNormalization::config() const {
  Json c = base_config();
  c["axis"] = options_.axis;
  c["epsilon"] = options_.epsilon;
  c["center"] = options_.center;
  c["scale"] = options_.scale;
  c["beta_initializer"] = internal::initializer_config(options_.beta_initializer);
  c["gamma_initializer"] = internal::initializer_config(options_.gamma_initializer);
  for (const char* none :
       {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"}) {
    c[none] = nullptr;
  }
  return c;
}

LayerNormalization LayerNormalization::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  if (internal::bool_field(config, "rms_scaling", false, name, kClass)) {  // Keras 3
    throw InvalidArgumentError("layer '" + name + "' (" + kClass +
                               "): rms_scaling=True is not supported");
  }
  const LayerNormalizationOptions d;
  return LayerNormalization(LayerNormalizationOptions{
      .axis = internal::axis_field(config, d.axis, name, kClass),
      .epsilon = internal::number_field(config, "epsilon", d.epsilon, name, kClass),
      .center = internal::bool_field(config, "center", d.center, name, kClass),
      .scale = internal::bool_field(config, "scale", d.scale, name, kClass),
      .beta_initializer = internal::initializer_field(config, "beta_initializer", "zeros"),
      .gamma_initializer = internal::initializer_field(config, "gamma_initializer", "ones"),
      .input_shape = internal::input_shape_from_config(config),
      .name = name});
}

}  // namespace cairn::keras
