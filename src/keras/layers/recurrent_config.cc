// Reading SimpleRNN, LSTM and GRU configs written by Keras 2.1 to 3
// (recurrent.h); what cairn cannot run is refused naming the field.
#include <limits>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/recurrent.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

double rate_from_config(const Json& config, const char* key, const std::string& layer) {
  if (!config.contains(key)) return 0.0;
  if (!config[key].is_number()) {
    throw InvalidArgumentError("layer '" + layer + "': '" + key + "' must be a number");
  }
  return config[key].get<double>();
}

}  // namespace

int64_t RecurrentLayer::units_from_config(const Json& config, const std::string& class_name) {
  const std::string name = internal::name_from_config(config);
  if (!config.contains("units") || !config["units"].is_number_integer()) {
    throw InvalidArgumentError("layer '" + name + "' (" + class_name +
                               "): config has no integer 'units'");
  }
  const Json& units = config["units"];
  if (units.is_number_unsigned() &&
      units.get<uint64_t>() > uint64_t{std::numeric_limits<int32_t>::max()}) {
    throw InvalidArgumentError("layer '" + name + "' (" + class_name + "): units " + units.dump() +
                               " is not below 2^31");
  }
  return units.get<int64_t>();
}

RecurrentOptions RecurrentLayer::options_from_config(const Json& config,
                                                     const std::string& class_name) {
  const std::string name = internal::name_from_config(config);
  for (const char* unsupported : {"return_state", "stateful", "time_major"}) {
    if (internal::bool_from_config(config, unsupported, false, name)) {
      throw InvalidArgumentError("layer '" + name + "' (" + class_name + "): " + unsupported +
                                 "=true is not supported (cairn's " + class_name +
                                 " needs it false)");
    }
  }
  RecurrentOptions o{.input_shape = internal::input_shape_from_config(config), .name = name};
  o.activation = nn::activation_name(internal::activation_from_config(config, name));
  if (class_name != "SimpleRNN") {
    o.recurrent_activation =
        nn::activation_name(internal::activation_from_config(config, name, "recurrent_activation"));
    if (!config.contains("recurrent_activation")) o.recurrent_activation = "sigmoid";
  }
  o.use_bias = internal::bool_from_config(config, "use_bias", true, name);
  o.return_sequences = internal::bool_from_config(config, "return_sequences", false, name);
  o.go_backwards = internal::bool_from_config(config, "go_backwards", false, name);
  // Keras before 2.3 had no reset_after in its configs: its GRU reset before.
  o.reset_after = internal::bool_from_config(config, "reset_after", false, name);
  o.unit_forget_bias = internal::bool_from_config(config, "unit_forget_bias", true, name);
  o.dropout = rate_from_config(config, "dropout", name);
  o.recurrent_dropout = rate_from_config(config, "recurrent_dropout", name);
  // Initializers only matter before weights are loaded: keep the defaults
  // for ones cairn does not have rather than refuse a trained model.
  for (auto [key, field] : {std::pair{"kernel_initializer", &o.kernel_initializer},
                            std::pair{"recurrent_initializer", &o.recurrent_initializer},
                            std::pair{"bias_initializer", &o.bias_initializer}}) {
    if (!config.contains(key)) continue;
    try {
      *field = internal::initializer_from_config(config[key]);
    } catch (const InvalidArgumentError&) {
    }
  }
  return o;
}

}  // namespace cairn::keras
