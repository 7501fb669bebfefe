#include "cairn/keras/layers/dropout.h"

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

Dropout::Dropout(double rate, std::string name)
    : Layer("dropout", std::move(name), std::nullopt), dropout_(rate) {
  if (!(rate >= 0.0 && rate < 1.0)) {
    throw InvalidArgumentError("layer '" + this->name() +
                               "': dropout rate must be in [0, 1), got " + std::to_string(rate));
  }
}

Shape Dropout::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  return set_built(input_shape);
}

nn::Matrix Dropout::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  return dropout_.forward(x, training, rng);
}

Json Dropout::config() const {
  Json c = base_config();
  c["rate"] = rate();
  c["noise_shape"] = nullptr;
  c["seed"] = nullptr;
  return c;
}

Dropout Dropout::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  if (!config.contains("rate") || !config["rate"].is_number()) {
    throw InvalidArgumentError("layer '" + name + "' (Dropout): config has no numeric 'rate'");
  }
  return Dropout(config["rate"].get<double>(), name);
}

}  // namespace cairn::keras
