#include "cairn/keras/layers/noise.h"

#include <cmath>

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

double rate_from_config(const Json& config, const std::string& name, const char* class_name) {
  if (!config.contains("rate") || !config["rate"].is_number()) {
    throw InvalidArgumentError("layer '" + name + "' (" + class_name +
                               "): config has no numeric 'rate'");
  }
  return config["rate"].get<double>();
}

}  // namespace

SpatialDropout::SpatialDropout(const char* base, int rank, double rate, std::string name)
    : Layer(base, std::move(name), std::nullopt), rank_(rank), dropout_(rate) {
  if (!(rate >= 0.0 && rate < 1.0)) {
    throw InvalidArgumentError("layer '" + this->name() +
                               "': dropout rate must be in [0, 1), got " + std::to_string(rate));
  }
}

Shape SpatialDropout::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  if (input_shape.size() != static_cast<size_t>(rank_) || input_shape.back() < 1) {
    throw InvalidArgumentError(
        "layer '" + name() + "' (" + class_name() + ") needs samples of " +
        (rank_ == 2 ? "shape (timesteps, channels)" : "shape (height, width, channels)") +
        ", got shape " + internal::shape_json(input_shape).dump());
  }
  channels_ = input_shape.back();
  return set_built(input_shape);
}

nn::Matrix SpatialDropout::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  return dropout_.forward_spatial(x, channels_, training, rng);
}

Json SpatialDropout::config() const {
  Json c = base_config();
  c["rate"] = rate();
  c["noise_shape"] = nullptr;
  c["seed"] = nullptr;
  return c;
}

SpatialDropout1D SpatialDropout1D::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  return SpatialDropout1D(rate_from_config(config, name, "SpatialDropout1D"), name);
}

Json SpatialDropout2D::config() const {
  Json c = SpatialDropout::config();
  c["data_format"] = "channels_last";
  return c;
}

SpatialDropout2D SpatialDropout2D::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  if (config.contains("data_format") && !config["data_format"].is_null() &&
      config["data_format"] != "channels_last") {
    throw InvalidArgumentError("layer '" + name + "' (SpatialDropout2D): data_format " +
                               config["data_format"].dump() +
                               " is not supported; cairn lays samples out channels_last");
  }
  return SpatialDropout2D(rate_from_config(config, name, "SpatialDropout2D"), name);
}

GaussianNoise::GaussianNoise(double stddev, std::string name)
    : Layer("gaussian_noise", std::move(name), std::nullopt), stddev_(stddev) {
  if (!(stddev >= 0.0 && std::isfinite(stddev))) {
    throw InvalidArgumentError("layer '" + this->name() +
                               "' (GaussianNoise): stddev must be a non-negative number, got " +
                               std::to_string(stddev));
  }
}

Shape GaussianNoise::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  return set_built(input_shape);
}

nn::Matrix GaussianNoise::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  if (!training || stddev_ == 0.0) return x;
  return nn::add_gaussian_noise(x, stddev_, rng);
}

Json GaussianNoise::config() const {
  Json c = base_config();
  c["stddev"] = stddev_;
  return c;
}

GaussianNoise GaussianNoise::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  if (!config.contains("stddev") || !config["stddev"].is_number()) {
    throw InvalidArgumentError("layer '" + name +
                               "' (GaussianNoise): config has no numeric 'stddev'");
  }
  return GaussianNoise(config["stddev"].get<double>(), name);
}

}  // namespace cairn::keras
