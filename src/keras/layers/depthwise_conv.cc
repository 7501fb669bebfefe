#include "cairn/keras/layers/depthwise_conv.h"

#include "cairn/core/errors.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

// Checks and completes the options both layers share.
DepthwiseConvOptions checked(DepthwiseConvOptions o, const std::string& layer) {
  o.strides = internal::expand_tuple(o.strides, 2, 1, layer, "strides");
  o.dilation_rate = internal::expand_tuple(o.dilation_rate, 2, 1, layer, "dilation_rate");
  internal::check_strides_or_dilation(o.strides, o.dilation_rate, layer);
  internal::check_size(o.depth_multiplier, layer, "depth_multiplier");
  for (const std::string* init :
       {&o.depthwise_initializer, &o.pointwise_initializer, &o.bias_initializer}) {
    if (!internal::is_known_initializer(*init)) {
      throw InvalidArgumentError("layer '" + layer + "': unknown initializer '" + *init + "'");
    }
  }
  return o;
}

// The depthwise half of both layers, its kernel filled by the initializer.
struct DepthwiseArgs {
  const Shape& input;
  const std::vector<int64_t>& kernel;
  const DepthwiseConvOptions& options;
  nn::Padding padding;
  nn::Activation activation;
  bool use_bias;
  const std::string& layer;
  const std::string& class_name;
};

nn::DepthwiseConv make_depthwise(const DepthwiseArgs& a, std::mt19937_64& rng) {
  const DepthwiseConvOptions& o = a.options;
  const std::string& layer = a.layer;
  const std::vector<int64_t>& kernel = a.kernel;
  const nn::ConvGeometry g = internal::window_geometry(
      a.input,
      {.kernel = kernel, .strides = o.strides, .dilation = o.dilation_rate, .padding = a.padding},
      layer, a.class_name);
  const int64_t taps = internal::checked_product(kernel, layer, "kernel size");
  internal::checked_product({taps, g.channels, o.depth_multiplier}, layer,
                            "depthwise weight count");
  nn::DepthwiseConv d({.name = layer,
                       .geometry = g,
                       .depth_multiplier = o.depth_multiplier,
                       .activation = a.activation,
                       .use_bias = a.use_bias});
  internal::fill_initializer(o.depthwise_initializer, d.kernel().value, taps * g.channels,
                             taps * o.depth_multiplier, rng);
  return d;
}

// The constructor's options from a Keras config.
DepthwiseConvOptions options_from_config(const Json& config, const std::string& name) {
  internal::check_channels_last(config, name);
  DepthwiseConvOptions o{.input_shape = internal::input_shape_from_config(config), .name = name};
  o.strides = internal::tuple_from_config(config, "strides", 2, 1, name);
  o.dilation_rate = internal::tuple_from_config(config, "dilation_rate", 2, 1, name);
  o.padding = config.value("padding", "valid");
  if (config.contains("depth_multiplier") && !config["depth_multiplier"].is_number_integer()) {
    throw InvalidArgumentError("layer '" + name + "': depth_multiplier is not an integer");
  }
  o.depth_multiplier = config.value("depth_multiplier", int64_t{1});
  o.activation = nn::activation_name(internal::activation_from_config(config, name));
  o.use_bias = config.value("use_bias", true);
  internal::read_initializer(config, "depthwise_initializer", o.depthwise_initializer);
  internal::read_initializer(config, "pointwise_initializer", o.pointwise_initializer);
  internal::read_initializer(config, "bias_initializer", o.bias_initializer);
  return o;
}

// The fields both configs share, in tf.keras's order.
Json window_config(Json c, const std::vector<int64_t>& kernel, const DepthwiseConvOptions& o,
                   nn::Padding padding, nn::Activation activation) {
  c["kernel_size"] = internal::int_list(kernel);
  c["strides"] = internal::int_list(o.strides);
  c["padding"] = std::string(nn::padding_name(padding));
  c["data_format"] = "channels_last";
  c["dilation_rate"] = internal::int_list(o.dilation_rate);
  c["groups"] = 1;
  c["activation"] = std::string(nn::activation_name(activation));
  c["use_bias"] = o.use_bias;
  return c;
}

std::vector<int64_t> kernel_from_config(const Json& config, const std::string& name) {
  if (!config.contains("kernel_size")) {
    throw InvalidArgumentError("layer '" + name + "': config has no 'kernel_size'");
  }
  return internal::tuple_from_config(config, "kernel_size", 2, 1, name);
}

}  // namespace

DepthwiseConv2D::DepthwiseConv2D(std::vector<int64_t> kernel_size, DepthwiseConvOptions options)
    : Layer("depthwise_conv2d", options.name, options.input_shape),
      kernel_(internal::expand_tuple(kernel_size, 2, 1, name(), "kernel_size")),
      options_(checked(std::move(options), name())),
      padding_(internal::parse_padding(options_.padding, name(), false)),
      activation_(internal::parse_activation(options_.activation)) {}

Shape DepthwiseConv2D::build(const Shape& input_shape, std::mt19937_64& rng) {
  depthwise_.emplace(make_depthwise({input_shape, kernel_, options_, padding_, activation_,
                                     options_.use_bias, name(), class_name()},
                                    rng));
  const int64_t channels = depthwise_->output_channels();
  if (options_.use_bias) {
    internal::fill_initializer(options_.bias_initializer, depthwise_->bias().value, channels,
                               channels, rng);
  }
  const nn::ConvGeometry& g = depthwise_->geometry();
  return set_built({g.height.output, g.width.output, channels});
}

nn::DepthwiseConv& DepthwiseConv2D::depthwise() {
  if (!depthwise_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return *depthwise_;
}

nn::Matrix DepthwiseConv2D::forward(const nn::Matrix& x, bool /*training*/,
                                    std::mt19937_64& /*rng*/) {
  return depthwise().forward(x);
}

nn::Matrix DepthwiseConv2D::backward(const nn::Matrix& dy) { return depthwise().backward(dy); }

const nn::Matrix& DepthwiseConv2D::last_preactivation() const {
  if (!depthwise_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return depthwise_->last_preactivation();
}

nn::Matrix DepthwiseConv2D::backward_preactivation(const nn::Matrix& dz) {
  return depthwise().backward_linear(dz);
}

nn::VariableRefs DepthwiseConv2D::weights() {
  return depthwise_ ? depthwise_->variables() : nn::VariableRefs{};
}

Json DepthwiseConv2D::config() const {
  Json c = window_config(base_config(), kernel_, options_, padding_, activation_);
  c["depth_multiplier"] = options_.depth_multiplier;
  c["depthwise_initializer"] = internal::initializer_config(options_.depthwise_initializer);
  c["bias_initializer"] = internal::initializer_config(options_.bias_initializer);
  for (const char* none : {"depthwise_regularizer", "bias_regularizer", "activity_regularizer",
                           "depthwise_constraint", "bias_constraint"}) {
    c[none] = nullptr;
  }
  return c;
}

DepthwiseConv2D DepthwiseConv2D::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  return DepthwiseConv2D(kernel_from_config(config, name), options_from_config(config, name));
}

SeparableConv2D::SeparableConv2D(int64_t filters, std::vector<int64_t> kernel_size,
                                 DepthwiseConvOptions options)
    : Layer("separable_conv2d", options.name, options.input_shape),
      filters_(filters),
      kernel_(internal::expand_tuple(kernel_size, 2, 1, name(), "kernel_size")),
      options_(checked(std::move(options), name())),
      padding_(internal::parse_padding(options_.padding, name(), false)),
      activation_(internal::parse_activation(options_.activation)) {
  internal::check_size(filters, name(), "filters");
}

Shape SeparableConv2D::build(const Shape& input_shape, std::mt19937_64& rng) {
  depthwise_.emplace(make_depthwise({input_shape, kernel_, options_, padding_,
                                     nn::Activation::kLinear, false, name(), class_name()},
                                    rng));
  const nn::ConvGeometry& g = depthwise_->geometry();
  const int64_t channels = depthwise_->output_channels();
  internal::checked_product({channels, filters_}, name(), "pointwise weight count");
  const nn::ConvGeometry pointwise{.height = nn::conv_axis({.input = g.height.output}),
                                   .width = nn::conv_axis({.input = g.width.output}),
                                   .channels = channels};
  pointwise_.emplace(nn::ConvOptions{.name = name(),
                                     .geometry = pointwise,
                                     .filters = filters_,
                                     .activation = activation_,
                                     .use_bias = options_.use_bias,
                                     .kernel_name = "pointwise_kernel"});
  internal::fill_initializer(options_.pointwise_initializer, pointwise_->kernel().value, channels,
                             filters_, rng);
  if (options_.use_bias) {
    internal::fill_initializer(options_.bias_initializer, pointwise_->bias().value, filters_,
                               filters_, rng);
  }
  return set_built({g.height.output, g.width.output, filters_});
}

void SeparableConv2D::check_built() const {
  if (!pointwise_) throw FailedPreconditionError("layer '" + name() + "' is not built");
}

nn::Matrix SeparableConv2D::forward(const nn::Matrix& x, bool /*training*/,
                                    std::mt19937_64& /*rng*/) {
  check_built();
  return pointwise_->forward(depthwise_->forward(x));
}

nn::Matrix SeparableConv2D::backward(const nn::Matrix& dy) {
  check_built();
  return depthwise_->backward_linear(pointwise_->backward(dy));
}

const nn::Matrix& SeparableConv2D::last_preactivation() const {
  check_built();
  return pointwise_->last_preactivation();
}

nn::Matrix SeparableConv2D::backward_preactivation(const nn::Matrix& dz) {
  check_built();
  return depthwise_->backward_linear(pointwise_->backward_linear(dz));
}

nn::VariableRefs SeparableConv2D::weights() {
  if (!pointwise_) return {};
  nn::VariableRefs refs{&depthwise_->kernel()};
  for (nn::Variable* v : pointwise_->variables()) refs.push_back(v);
  return refs;
}

Json SeparableConv2D::config() const {
  Json c = base_config();
  c["filters"] = filters_;
  c = window_config(std::move(c), kernel_, options_, padding_, activation_);
  c["depth_multiplier"] = options_.depth_multiplier;
  c["depthwise_initializer"] = internal::initializer_config(options_.depthwise_initializer);
  c["pointwise_initializer"] = internal::initializer_config(options_.pointwise_initializer);
  c["bias_initializer"] = internal::initializer_config(options_.bias_initializer);
  for (const char* none : {"depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
                           "activity_regularizer", "depthwise_constraint", "pointwise_constraint",
                           "bias_constraint"}) {
    c[none] = nullptr;
  }
  return c;
}

SeparableConv2D SeparableConv2D::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  if (!config.contains("filters") || !config["filters"].is_number_integer()) {
    throw InvalidArgumentError("layer '" + name +
                               "' (SeparableConv2D): config has no integer 'filters'");
  }
  return SeparableConv2D(config["filters"].get<int64_t>(), kernel_from_config(config, name),
                         options_from_config(config, name));
}

}  // namespace cairn::keras
