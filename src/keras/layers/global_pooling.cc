#include "cairn/keras/layers/global_pooling.h"

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

GlobalPooling::GlobalPooling(nn::PoolKind kind, size_t rank, const std::string& base,
                             GlobalPoolingOptions options)
    : Layer(base, std::move(options.name), std::move(options.input_shape)),
      kind_(kind),
      rank_(rank),
      options_(std::move(options)) {}

std::optional<Layer::BuildPlan> GlobalPooling::plan_build(const Shape& input_shape) const {
  if (input_shape.size() != rank_ + 1) {
    throw InvalidArgumentError("layer '" + name() + "' (" + class_name() + ") needs inputs of " +
                               (rank_ == 1 ? "(steps, channels)" : "(height, width, channels)") +
                               ", got shape " + internal::shape_json(input_shape).dump());
  }
  internal::sample_size(input_shape, name());
  Shape out = options_.keepdims ? Shape(rank_, 1) : Shape();
  out.push_back(input_shape.back());
  return BuildPlan{.output_shape = out};
}

Shape GlobalPooling::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  const BuildPlan plan = *plan_build(input_shape);
  const int64_t channels = input_shape.back();
  pool_.emplace(kind_, internal::sample_size(input_shape, name()) / channels, channels);
  return set_built(plan.output_shape);
}

nn::GlobalPool& GlobalPooling::pool() {
  if (!pool_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return *pool_;
}

nn::Matrix GlobalPooling::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  return forward_kept(x, training, rng);
}

nn::Matrix GlobalPooling::backward(const nn::Matrix& dy) { return pool().backward(dy); }

const nn::Matrix& GlobalPooling::forward_kept(const nn::Matrix& x, bool /*training*/,
                                              std::mt19937_64& /*rng*/) {
  const Mask* mask = input_mask();
  return mask != nullptr && supports_masking() ? pool().forward_masked(x, *mask)
                                               : pool().forward(x);
}

const nn::Matrix& GlobalPooling::backprop(const nn::Matrix& d, const BackpropOptions& /*options*/) {
  return pool().backward(d);
}

Json GlobalPooling::config() const {
  Json c = base_config();
  c["data_format"] = "channels_last";
  c["keepdims"] = options_.keepdims;
  return c;
}

GlobalPoolingOptions GlobalPooling::options_from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  internal::check_channels_last(config, name);
  GlobalPoolingOptions options{.input_shape = internal::input_shape_from_config(config),
                               .name = name};
  if (config.contains("keepdims")) {
    if (!config["keepdims"].is_boolean()) {
      throw InvalidArgumentError("layer '" + name + "': keepdims must be true or false, got " +
                                 config["keepdims"].dump());
    }
    options.keepdims = config["keepdims"].get<bool>();
  }
  return options;
}

GlobalAveragePooling1D::GlobalAveragePooling1D(GlobalPoolingOptions options)
    : GlobalPooling(nn::PoolKind::kAverage, 1, "global_average_pooling1d", std::move(options)) {}

GlobalAveragePooling1D GlobalAveragePooling1D::from_config(const Json& config) {
  return GlobalAveragePooling1D(options_from_config(config));
}

GlobalAveragePooling2D::GlobalAveragePooling2D(GlobalPoolingOptions options)
    : GlobalPooling(nn::PoolKind::kAverage, 2, "global_average_pooling2d", std::move(options)) {}

GlobalAveragePooling2D GlobalAveragePooling2D::from_config(const Json& config) {
  return GlobalAveragePooling2D(options_from_config(config));
}

GlobalMaxPooling1D::GlobalMaxPooling1D(GlobalPoolingOptions options)
    : GlobalPooling(nn::PoolKind::kMax, 1, "global_max_pooling1d", std::move(options)) {}

GlobalMaxPooling1D GlobalMaxPooling1D::from_config(const Json& config) {
  return GlobalMaxPooling1D(options_from_config(config));
}

GlobalMaxPooling2D::GlobalMaxPooling2D(GlobalPoolingOptions options)
    : GlobalPooling(nn::PoolKind::kMax, 2, "global_max_pooling2d", std::move(options)) {}

GlobalMaxPooling2D GlobalMaxPooling2D::from_config(const Json& config) {
  return GlobalMaxPooling2D(options_from_config(config));
}

}  // namespace cairn::keras
