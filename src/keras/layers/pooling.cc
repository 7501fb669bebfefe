#include "cairn/keras/layers/pooling.h"

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

Pooling::Pooling(nn::PoolKind kind, size_t rank, const std::string& base,
                 std::vector<int64_t> pool_size, PoolingOptions options)
    : Layer(base, std::move(options.name), std::move(options.input_shape)),
      kind_(kind),
      rank_(rank),
      pool_size_(std::move(pool_size)),
      options_(std::move(options)) {
  if (options_.strides.empty()) options_.strides = pool_size_;
  if (pool_size_.size() != rank_ || options_.strides.size() != rank_) {
    throw InvalidArgumentError("layer '" + name() + "': pool_size and strides must have " +
                               std::to_string(rank_) + " values");
  }
  for (size_t i = 0; i < rank_; ++i) {
    internal::check_size(pool_size_[i], name(), "pool_size");
    internal::check_size(options_.strides[i], name(), "strides");
  }
  if (options_.padding != "valid" && options_.padding != "same") {
    throw InvalidArgumentError("layer '" + name() +
                               "': padding must be \"valid\" or \"same\", got \"" +
                               options_.padding + "\"");
  }
}

nn::PoolGeometry Pooling::geometry_for(const Shape& input_shape) const {
  if (input_shape.size() != rank_ + 1) {
    throw InvalidArgumentError("layer '" + name() + "' (" + class_name() + ") needs inputs of " +
                               (rank_ == 1 ? "(steps, channels)" : "(height, width, channels)") +
                               ", got shape " + internal::shape_json(input_shape).dump());
  }
  internal::sample_size(input_shape, name());
  // A sequence is an image of height 1.
  const bool image = rank_ == 2;
  try {
    return nn::pool_geometry({.height = image ? input_shape[0] : 1,
                              .width = input_shape[image ? 1 : 0],
                              .channels = input_shape.back(),
                              .pool = {image ? pool_size_[0] : 1, pool_size_.back()},
                              .strides = {image ? options_.strides[0] : 1, options_.strides.back()},
                              .same_padding = options_.padding == "same"});
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError("layer '" + name() + "' (" + class_name() + "): " + e.what() +
                               " (input shape " + internal::shape_json(input_shape).dump() + ")");
  }
}

std::optional<Layer::BuildPlan> Pooling::plan_build(const Shape& input_shape) const {
  const nn::PoolGeometry g = geometry_for(input_shape);
  Shape out{g.out_height, g.out_width, input_shape.back()};
  if (rank_ == 1) out.erase(out.begin());
  return BuildPlan{.output_shape = out};
}

Shape Pooling::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  const BuildPlan plan = *plan_build(input_shape);
  pool_.emplace(kind_, geometry_for(input_shape));
  return set_built(plan.output_shape);
}

nn::Pool2D& Pooling::pool() {
  if (!pool_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return *pool_;
}

nn::Matrix Pooling::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  return pool().forward(x);
}

nn::Matrix Pooling::backward(const nn::Matrix& dy) { return pool().backward(dy); }

const nn::Matrix& Pooling::forward_kept(const nn::Matrix& x, bool /*training*/,
                                        std::mt19937_64& /*rng*/) {
  return pool().forward(x);
}

const nn::Matrix& Pooling::backprop(const nn::Matrix& d, const BackpropOptions& /*options*/) {
  return pool().backward(d);
}

Json Pooling::config() const {
  Json c = base_config();
  c["pool_size"] = pool_size_;
  c["padding"] = options_.padding;
  c["strides"] = options_.strides;
  c["data_format"] = "channels_last";
  return c;
}

Pooling::Args Pooling::args_from_config(const Json& config, size_t rank, const char* class_name) {
  const std::string name = internal::name_from_config(config);
  internal::check_channels_last(config, name);
  Args args{.pool_size = std::vector<int64_t>(rank, 2),
            .options = {.input_shape = internal::input_shape_from_config(config), .name = name}};
  if (config.contains("pool_size")) {
    args.pool_size = internal::int_tuple_from_config(config["pool_size"], rank, name, "pool_size");
  }
  if (config.contains("strides") && !config["strides"].is_null()) {
    args.options.strides =
        internal::int_tuple_from_config(config["strides"], rank, name, "strides");
  }
  if (config.contains("padding")) {
    if (!config["padding"].is_string()) {
      throw InvalidArgumentError("layer '" + name + "' (" + class_name +
                                 "): padding must be a string, got " + config["padding"].dump());
    }
    args.options.padding = config["padding"].get<std::string>();
  }
  return args;
}

MaxPooling1D::MaxPooling1D(int64_t pool_size, PoolingOptions options)
    : Pooling(nn::PoolKind::kMax, 1, "max_pooling1d", {pool_size}, std::move(options)) {}

MaxPooling1D MaxPooling1D::from_config(const Json& config) {
  Args args = args_from_config(config, 1, "MaxPooling1D");
  return MaxPooling1D(args.pool_size[0], std::move(args.options));
}

MaxPooling2D::MaxPooling2D(std::vector<int64_t> pool_size, PoolingOptions options)
    : Pooling(nn::PoolKind::kMax, 2, "max_pooling2d", std::move(pool_size), std::move(options)) {}

MaxPooling2D MaxPooling2D::from_config(const Json& config) {
  Args args = args_from_config(config, 2, "MaxPooling2D");
  return MaxPooling2D(std::move(args.pool_size), std::move(args.options));
}

AveragePooling1D::AveragePooling1D(int64_t pool_size, PoolingOptions options)
    : Pooling(nn::PoolKind::kAverage, 1, "average_pooling1d", {pool_size}, std::move(options)) {}

AveragePooling1D AveragePooling1D::from_config(const Json& config) {
  Args args = args_from_config(config, 1, "AveragePooling1D");
  return AveragePooling1D(args.pool_size[0], std::move(args.options));
}

AveragePooling2D::AveragePooling2D(std::vector<int64_t> pool_size, PoolingOptions options)
    : Pooling(nn::PoolKind::kAverage, 2, "average_pooling2d", std::move(pool_size),
              std::move(options)) {}

AveragePooling2D AveragePooling2D::from_config(const Json& config) {
  Args args = args_from_config(config, 2, "AveragePooling2D");
  return AveragePooling2D(std::move(args.pool_size), std::move(args.options));
}

}  // namespace cairn::keras
