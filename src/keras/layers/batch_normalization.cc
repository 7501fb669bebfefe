#include "cairn/keras/layers/normalization.h"

#include <cmath>

#include "cairn/core/errors.h"
#include "keras/layers/channel_weights.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

constexpr const char* kClass = "BatchNormalization";

// moving -= (moving - batch) · (1 - momentum), as Keras and TF.js assign it.
void move_towards(nn::Variable& moving, const nn::RowVector& batch, float momentum) {
  auto m = nn::as_matrix(moving.value);
  m -= (m - batch) * (1.0f - momentum);
}

}  // namespace

BatchNormalization::BatchNormalization(BatchNormalizationOptions options)
    : Layer("batch_normalization", options.name, options.input_shape),
      options_(std::move(options)) {
  if (!(options_.momentum >= 0.0 && options_.momentum <= 1.0)) {
    throw InvalidArgumentError("layer '" + name() + "' (" + kClass + "): momentum must be in " +
                               "[0, 1], got " + std::to_string(options_.momentum));
  }
  if (!(options_.epsilon > 0.0 && std::isfinite(options_.epsilon))) {
    throw InvalidArgumentError("layer '" + name() + "' (" + kClass +
                               "): epsilon must be a positive number, got " +
                               std::to_string(options_.epsilon));
  }
  for (const std::string* init :
       {&options_.beta_initializer, &options_.gamma_initializer, &options_.moving_mean_initializer,
        &options_.moving_variance_initializer}) {
    internal::check_initializer(*init, name());
  }
}

Shape BatchNormalization::build(const Shape& input_shape, std::mt19937_64& rng) {
  channels_ = internal::normalized_channels(input_shape, options_.axis, name(), kClass);
  norm_.emplace(channels_, static_cast<float>(options_.epsilon));
  const auto make = [&](const char* weight, const std::string& init, bool trainable) {
    return internal::channel_variable(name(), weight, channels_, init, trainable, rng);
  };
  if (options_.scale) gamma_ = make("gamma", options_.gamma_initializer, true);
  if (options_.center) beta_ = make("beta", options_.beta_initializer, true);
  moving_mean_ = make("moving_mean", options_.moving_mean_initializer, false);
  moving_variance_ = make("moving_variance", options_.moving_variance_initializer, false);
  return set_built(input_shape);
}

nn::RowVector BatchNormalization::gamma() const {
  return internal::channel_row(gamma_, channels_, 1.0f);
}

nn::RowVector BatchNormalization::beta() const {
  return internal::channel_row(beta_, channels_, 0.0f);
}

nn::Matrix BatchNormalization::forward(const nn::Matrix& x, bool training,
                                       std::mt19937_64& /*rng*/) {
  if (!norm_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  if (!training) {
    return norm_->forward_inference(x, gamma(), beta(), nn::as_matrix(moving_mean_.value),
                                    nn::as_matrix(moving_variance_.value));
  }
  nn::BatchMoments moments;
  nn::Matrix y = norm_->forward_training(x, gamma(), beta(), moments);
  const auto momentum = static_cast<float>(options_.momentum);
  move_towards(moving_mean_, moments.mean, momentum);
  move_towards(moving_variance_, moments.variance, momentum);
  return y;
}

nn::Matrix BatchNormalization::backward(const nn::Matrix& dy) {
  if (!norm_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  nn::NormGradients g = norm_->backward(dy, gamma());
  internal::set_channel_gradient(gamma_, g.dgamma);
  internal::set_channel_gradient(beta_, g.dbeta);
  return std::move(g.dx);
}

nn::VariableRefs BatchNormalization::weights() {
  if (!norm_) return {};
  nn::VariableRefs refs;
  if (gamma_) refs.push_back(&*gamma_);
  if (beta_) refs.push_back(&*beta_);
  refs.push_back(&moving_mean_);
  refs.push_back(&moving_variance_);
  return refs;
}

Json BatchNormalization::config() const {
  Json c = base_config();
  c["axis"] = options_.axis;
  c["momentum"] = options_.momentum;
  c["epsilon"] = options_.epsilon;
  c["center"] = options_.center;
  c["scale"] = options_.scale;
  c["beta_initializer"] = internal::initializer_config(options_.beta_initializer);
  c["gamma_initializer"] = internal::initializer_config(options_.gamma_initializer);
  c["moving_mean_initializer"] = internal::initializer_config(options_.moving_mean_initializer);
  c["moving_variance_initializer"] =
      internal::initializer_config(options_.moving_variance_initializer);
  for (const char* none :
       {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"}) {
    c[none] = nullptr;
  }
  return c;
}

BatchNormalization BatchNormalization::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  // Keras 2's batch renormalization and ghost batches change the math.
  if (internal::bool_field(config, "renorm", false, name, kClass)) {
    throw InvalidArgumentError("layer '" + name + "' (" + kClass +
                               "): renorm=True (batch renormalization) is not supported");
  }
  if (config.contains("virtual_batch_size") && !config["virtual_batch_size"].is_null()) {
    throw InvalidArgumentError("layer '" + name + "' (" + kClass +
                               "): virtual_batch_size is not supported, got " +
                               config["virtual_batch_size"].dump());
  }
  const BatchNormalizationOptions d;
  return BatchNormalization(BatchNormalizationOptions{
      .axis = internal::axis_field(config, d.axis, name, kClass),
      .momentum = internal::number_field(config, "momentum", d.momentum, name, kClass),
      .epsilon = internal::number_field(config, "epsilon", d.epsilon, name, kClass),
      .center = internal::bool_field(config, "center", d.center, name, kClass),
      .scale = internal::bool_field(config, "scale", d.scale, name, kClass),
      .beta_initializer = internal::initializer_field(config, "beta_initializer", "zeros"),
      .gamma_initializer = internal::initializer_field(config, "gamma_initializer", "ones"),
      .moving_mean_initializer =
          internal::initializer_field(config, "moving_mean_initializer", "zeros"),
      .moving_variance_initializer =
          internal::initializer_field(config, "moving_variance_initializer", "ones"),
      .input_shape = internal::input_shape_from_config(config),
      .name = name});
}

}  // namespace cairn::keras
