#include "cairn/keras/layers/conv.h"

#include "cairn/core/errors.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

using internal::check_initializer;

ConvLayer::ConvLayer(size_t rank, const std::string& base, int64_t filters,
                     std::vector<int64_t> kernel, ConvOptions options)
    : Layer(base, options.name, options.input_shape),
      rank_(rank),
      filters_(filters),
      options_(std::move(options)),
      padding_(internal::parse_padding(options_.padding, name(), rank == 1)),
      activation_(internal::parse_activation(options_.activation)) {
  internal::check_size(filters, name(), "filters");
  kernel_ = internal::expand_tuple(kernel, rank, 1, name(), "kernel_size");
  options_.strides = internal::expand_tuple(options_.strides, rank, 1, name(), "strides");
  options_.dilation_rate =
      internal::expand_tuple(options_.dilation_rate, rank, 1, name(), "dilation_rate");
  internal::check_strides_or_dilation(options_.strides, options_.dilation_rate, name());
  check_initializer(options_.kernel_initializer, name());
  check_initializer(options_.bias_initializer, name());
}

Shape ConvLayer::build(const Shape& input_shape, std::mt19937_64& rng) {
  const nn::ConvGeometry g = internal::window_geometry(input_shape,
                                                       {.kernel = kernel_,
                                                        .strides = options_.strides,
                                                        .dilation = options_.dilation_rate,
                                                        .padding = padding_},
                                                       name(), class_name());
  const int64_t taps = internal::checked_product(kernel_, name(), "kernel size");
  internal::checked_product({taps, g.channels, filters_}, name(), "kernel weight count");
  conv_.emplace(nn::ConvOptions{.name = name(),
                                .geometry = g,
                                .filters = filters_,
                                .rank = static_cast<int>(rank_),
                                .activation = activation_,
                                .use_bias = options_.use_bias});
  // Keras's fans for a kernel: receptive field times channels in / out.
  internal::fill_initializer(options_.kernel_initializer, conv_->kernel().value, taps * g.channels,
                             taps * filters_, rng);
  if (options_.use_bias) {
    internal::fill_initializer(options_.bias_initializer, conv_->bias().value, filters_, filters_,
                               rng);
  }
  if (rank_ == 1) return set_built({g.width.output, filters_});
  return set_built({g.height.output, g.width.output, filters_});
}

nn::Conv& ConvLayer::conv() {
  if (!conv_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return *conv_;
}

nn::Matrix ConvLayer::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  return conv().forward(x);
}

nn::Matrix ConvLayer::backward(const nn::Matrix& dy) { return conv().backward(dy); }

const nn::Matrix& ConvLayer::forward_kept(const nn::Matrix& x, bool /*training*/,
                                          std::mt19937_64& /*rng*/) {
  return conv().forward(x);
}

const nn::Matrix& ConvLayer::backprop(const nn::Matrix& d, const BackpropOptions& options) {
  return options.preactivation ? conv().backward_linear(d, options.input_gradient)
                               : conv().backward(d, options.input_gradient);
}

const nn::Matrix& ConvLayer::last_preactivation() const {
  if (!conv_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return conv_->last_preactivation();
}

nn::Matrix ConvLayer::backward_preactivation(const nn::Matrix& dz) {
  return conv().backward_linear(dz);
}

nn::VariableRefs ConvLayer::weights() { return conv_ ? conv_->variables() : nn::VariableRefs{}; }

Json ConvLayer::config() const {
  Json c = base_config();
  c["filters"] = filters_;
  c["kernel_size"] = internal::int_list(kernel_);
  c["strides"] = internal::int_list(options_.strides);
  c["padding"] = std::string(nn::padding_name(padding_));
  c["data_format"] = "channels_last";
  c["dilation_rate"] = internal::int_list(options_.dilation_rate);
  c["groups"] = 1;
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

ConvLayer::Args ConvLayer::args_from_config(const Json& config, size_t rank,
                                            const std::string& class_name) {
  const std::string name = internal::name_from_config(config);
  internal::check_channels_last(config, name);
  if (config.contains("groups") && config["groups"] != 1) {
    throw InvalidArgumentError("layer '" + name + "' (" + class_name + "): groups " +
                               config["groups"].dump() + " is not supported (only 1)");
  }
  if (!config.contains("filters") || !config["filters"].is_number_integer()) {
    throw InvalidArgumentError("layer '" + name + "' (" + class_name +
                               "): config has no integer 'filters'");
  }
  if (!config.contains("kernel_size")) {
    throw InvalidArgumentError("layer '" + name + "' (" + class_name +
                               "): config has no 'kernel_size'");
  }
  Args args{.filters = config["filters"].get<int64_t>(),
            .kernel = internal::tuple_from_config(config, "kernel_size", rank, 1, name),
            .options = {.input_shape = internal::input_shape_from_config(config), .name = name}};
  ConvOptions& o = args.options;
  o.strides = internal::tuple_from_config(config, "strides", rank, 1, name);
  o.dilation_rate = internal::tuple_from_config(config, "dilation_rate", rank, 1, name);
  o.padding = config.value("padding", "valid");
  o.activation = nn::activation_name(internal::activation_from_config(config, name));
  o.use_bias = config.value("use_bias", true);
  internal::read_initializer(config, "kernel_initializer", o.kernel_initializer);
  internal::read_initializer(config, "bias_initializer", o.bias_initializer);
  return args;
}

Conv2D::Conv2D(int64_t filters, std::vector<int64_t> kernel_size, ConvOptions options)
    : ConvLayer(2, "conv2d", filters, std::move(kernel_size), std::move(options)) {}

Conv2D Conv2D::from_config(const Json& config) {
  Args a = args_from_config(config, 2, "Conv2D");
  return Conv2D(a.filters, std::move(a.kernel), std::move(a.options));
}

Conv1D::Conv1D(int64_t filters, int64_t kernel_size, ConvOptions options)
    : ConvLayer(1, "conv1d", filters, {kernel_size}, std::move(options)) {}

Conv1D Conv1D::from_config(const Json& config) {
  Args a = args_from_config(config, 1, "Conv1D");
  return Conv1D(a.filters, a.kernel[0], std::move(a.options));
}

}  // namespace cairn::keras
