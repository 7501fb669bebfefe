#include "cairn/keras/layers/dense.h"

#include "cairn/core/errors.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"
#include "keras/tensor_rows.h"

namespace cairn::keras {

using internal::check_initializer;

Dense::Dense(int64_t units, DenseOptions options)
    : Layer("dense", options.name, options.input_shape),
      units_(units),
      options_(std::move(options)),
      activation_(internal::parse_activation(options_.activation)) {
  internal::check_size(units, name(), "units");
  check_initializer(options_.kernel_initializer, name());
  check_initializer(options_.bias_initializer, name());
}

std::optional<Layer::BuildPlan> Dense::plan_build(const Shape& input_shape) const {
  if (input_shape.empty()) {
    throw InvalidArgumentError("layer '" + name() + "' (Dense) needs inputs of rank 1 or more");
  }
  internal::sample_size(input_shape, name());
  Shape out = input_shape;
  out.back() = units_;
  internal::sample_size(out, name());
  return BuildPlan{.output_shape = out,
                   .parameters = internal::weight_count(input_shape.back(), units_,
                                                        options_.use_bias ? units_ : 0, name())};
}

Shape Dense::build(const Shape& input_shape, std::mt19937_64& rng) {
  const BuildPlan plan = *plan_build(input_shape);
  const int64_t input_dim = input_shape.back();
  positions_ = internal::sample_size(input_shape, name()) / input_dim;
  dense_.emplace(nn::DenseOptions{.name = name(),
                                  .input_dim = input_dim,
                                  .units = units_,
                                  .activation = activation_,
                                  .use_bias = options_.use_bias});
  internal::fill_initializer(options_.kernel_initializer, dense_->kernel().value, input_dim, units_,
                             rng);
  if (options_.use_bias) {
    internal::fill_initializer(options_.bias_initializer, dense_->bias().value, units_, units_,
                               rng);
  }
  return set_built(plan.output_shape);
}

nn::Dense& Dense::dense() {
  if (!dense_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return *dense_;
}

// On inputs of rank 2 or more, the kernel applies to the last axis: the
// samples' rows are regrouped into one row per position, and back.
template <class Step>
const nn::Matrix& Dense::per_position(const nn::Matrix& in, nn::Matrix& in_rows, Step step,
                                      nn::Matrix& out) {
  if (positions_ == 1) return step(in);
  return internal::regroup_rows(step(internal::regroup_rows(in, in.rows() * positions_, in_rows)),
                                in.rows(), out);
}

nn::Matrix Dense::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  return per_position(
      x, input_rows_,
      [&](const nn::Matrix& in) -> const nn::Matrix& { return dense().forward(in); }, output_);
}

nn::Matrix Dense::backward(const nn::Matrix& dy) {
  return per_position(
      dy, gradient_rows_,
      [&](const nn::Matrix& d) -> const nn::Matrix& { return dense().backward(d); },
      input_gradient_);
}

const nn::Matrix& Dense::last_preactivation() const {
  if (!dense_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  if (positions_ == 1) return dense_->last_preactivation();
  const nn::Matrix& z = dense_->last_preactivation();
  return internal::regroup_rows(z, z.rows() / positions_, preactivation_);
}

nn::Matrix Dense::backward_preactivation(const nn::Matrix& dz) {
  return per_position(
      dz, gradient_rows_,
      [&](const nn::Matrix& d) -> const nn::Matrix& { return dense().backward_linear(d); },
      input_gradient_);
}

const nn::Matrix& Dense::forward_kept(const nn::Matrix& x, bool /*training*/,
                                      std::mt19937_64& /*rng*/) {
  // x (or its regrouped copy) outlives backprop(): forward_kept's contract.
  return per_position(
      x, input_rows_,
      [&](const nn::Matrix& in) -> const nn::Matrix& { return dense().forward_borrowing(in); },
      output_);
}

const nn::Matrix& Dense::backprop(const nn::Matrix& d, const BackpropOptions& options) {
  const nn::BackwardOptions backward{.input_gradient = options.input_gradient,
                                     .step = options.step};
  return per_position(
      d, gradient_rows_,
      [&](const nn::Matrix& g) -> const nn::Matrix& {
        return options.preactivation ? dense().backward_linear(g, backward)
                                     : dense().backward(g, backward);
      },
      input_gradient_);
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
