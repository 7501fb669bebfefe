#include "cairn/keras/layers/dense.h"

#include "cairn/core/errors.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

void check_initializer(const std::string& name, const std::string& layer) {
  if (!internal::is_known_initializer(name)) {
    throw InvalidArgumentError("layer '" + layer + "': unknown initializer '" + name + "'");
  }
}

}  // namespace

Dense::Dense(int64_t units, DenseOptions options)
    : Layer("dense", options.name, options.input_shape),
      units_(units),
      options_(std::move(options)),
      activation_(internal::parse_activation(options_.activation)) {
  if (units < 1) {
    throw InvalidArgumentError("layer '" + name() + "': units must be positive, got " +
                               std::to_string(units));
  }
  check_initializer(options_.kernel_initializer, name());
  check_initializer(options_.bias_initializer, name());
}

Shape Dense::build(const Shape& input_shape, std::mt19937_64& rng) {
  if (input_shape.size() != 1) {
    throw InvalidArgumentError("layer '" + name() + "' (Dense) needs flat inputs, got shape " +
                               internal::shape_json(input_shape).dump() +
                               "; add a Flatten layer before it");
  }
  dense_.emplace(nn::DenseOptions{.name = name(),
                                  .input_dim = input_shape[0],
                                  .units = units_,
                                  .activation = activation_,
                                  .use_bias = options_.use_bias});
  internal::fill_initializer(options_.kernel_initializer, dense_->kernel().value, input_shape[0],
                             units_, rng);
  if (options_.use_bias) {
    internal::fill_initializer(options_.bias_initializer, dense_->bias().value, units_, units_,
                               rng);
  }
  return set_built({units_});
}

nn::Dense& Dense::dense() {
  if (!dense_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return *dense_;
}

nn::Matrix Dense::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  return dense().forward(x);
}

nn::Matrix Dense::backward(const nn::Matrix& dy) { return dense().backward(dy); }

const nn::Matrix& Dense::last_preactivation() const {
  if (!dense_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return dense_->last_preactivation();
}

nn::Matrix Dense::backward_preactivation(const nn::Matrix& dz) {
  return dense().backward_linear(dz);
}

const nn::Matrix& Dense::forward_kept(const nn::Matrix& x, bool /*training*/,
                                      std::mt19937_64& /*rng*/) {
  return dense().forward_borrowing(x);  // x outlives backprop() (forward_kept's contract)
}

const nn::Matrix& Dense::backprop(const nn::Matrix& d, const BackpropOptions& options) {
  const nn::BackwardOptions backward{.input_gradient = options.input_gradient,
                                     .step = options.step};
  return options.preactivation ? dense().backward_linear(d, backward)
                               : dense().backward(d, backward);
}

nn::VariableRefs Dense::weights() { return dense_ ? dense_->variables() : nn::VariableRefs{}; }

Json Dense::config() const {
  Json c = base_config();
  c["units"] = units_;
  c["activation"] = std::string(nn::activation_name(activation_));
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = internal::initializer_config(options_.kernel_initializer);
  c["bias_initializer"] = internal::initializer_config(options_.bias_initializer);
  for (const char* none : {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
                           "kernel_constraint", "bias_constraint"}) {
    c[none] = nullptr;
  }
  return c;
}

Dense Dense::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  DenseOptions options{.input_shape = internal::input_shape_from_config(config), .name = name};
  options.activation = nn::activation_name(internal::activation_from_config(config, name));
  options.use_bias = config.value("use_bias", true);
  internal::read_initializer(config, "kernel_initializer", options.kernel_initializer);
  internal::read_initializer(config, "bias_initializer", options.bias_initializer);
  if (!config.contains("units") || !config["units"].is_number_integer()) {
    throw InvalidArgumentError("layer '" + name + "' (Dense): config has no integer 'units'");
  }
  return Dense(config["units"].get<int64_t>(), std::move(options));
}

}  // namespace cairn::keras
