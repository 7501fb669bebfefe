#include "keras/layers/layer_config.h"

#include "cairn/core/errors.h"
#include "keras/layers/initializers.h"

namespace cairn::keras::internal {

std::optional<Shape> input_shape_from_config(const Json& config) {
  for (const char* key : {"batch_input_shape", "batch_shape"}) {
    if (!config.contains(key) || !config[key].is_array()) continue;
    const Json& dims = config[key];
    Shape shape;
    for (size_t i = 1; i < dims.size(); ++i) {
      if (!dims[i].is_number_integer()) {
        throw InvalidArgumentError("layer '" + name_from_config(config) + "': " + key + " " +
                                   dims.dump() + " has an unknown dimension");
      }
      shape.push_back(dims[i].get<int64_t>());
    }
    return shape;
  }
  return std::nullopt;
}

nn::Activation parse_activation(const std::string& name) {
  std::optional<nn::Activation> a = nn::activation_from_name(name == "None" ? "linear" : name);
  if (!a) {
    throw InvalidArgumentError("unsupported activation '" + name + "' (cairn has " +
                               std::string(nn::activation_names()) + ")");
  }
  return *a;
}

nn::Activation activation_from_config(const Json& config, const std::string& layer_name,
                                      const char* key) {
  if (!config.contains(key) || config[key].is_null()) return nn::Activation::kLinear;
  const Json& a = config[key];
  std::string name = a.is_string() ? a.get<std::string>() : a.value("class_name", "");
  try {
    return parse_activation(name);
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError("layer '" + layer_name + "': " + e.what());
  }
}

bool bool_from_config(const Json& config, const char* key, bool fallback,
                      const std::string& layer_name) {
  if (!config.contains(key)) return fallback;
  if (!config[key].is_boolean()) {
    throw InvalidArgumentError("layer '" + layer_name + "': '" + key +
                               "' must be true or false, got " + config[key].dump());
  }
  return config[key].get<bool>();
}

const Json& wrapped_layer_from_config(const Json& config, const std::string& wrapper_class) {
  const Json* layer = config.contains("layer") ? &config["layer"] : nullptr;
  if (layer == nullptr || !layer->is_object() || !layer->contains("class_name") ||
      !(*layer)["class_name"].is_string() || !layer->contains("config") ||
      !(*layer)["config"].is_object()) {
    throw InvalidArgumentError("layer '" + name_from_config(config) + "' (" + wrapper_class +
                               "): config has no 'layer' with a class_name and a config");
  }
  return *layer;
}

std::string name_from_config(const Json& config) { return config.value("name", ""); }

Json shape_json(const Shape& shape) {
  Json dims = Json::array({nullptr});
  for (int64_t d : shape) dims.push_back(d);
  return dims;
}

void check_size(int64_t value, const std::string& layer, const std::string& what, int64_t minimum) {
  if (value < minimum || value >= kMaxDimension) {
    throw InvalidArgumentError("layer '" + layer + "': " + what + " must be in [" +
                               std::to_string(minimum) + ", 2^31), got " + std::to_string(value));
  }
}

int64_t sample_size(const Shape& shape, const std::string& layer) {
  int64_t n = 1;
  for (int64_t d : shape) {
    check_size(d, layer, "input dimension");
    n *= d;  // both below 2^31: no overflow
    check_size(n, layer, "the size of a sample " + shape_json(shape).dump());
  }
  return n;
}

int64_t weight_count(int64_t a, int64_t b, int64_t c, const std::string& layer) {
  int64_t product = 0, sum = 0;
  if (__builtin_mul_overflow(a, b, &product) || __builtin_add_overflow(product, c, &sum)) {
    throw InvalidArgumentError("layer '" + layer + "': its weight count overflows (" +
                               std::to_string(a) + " x " + std::to_string(b) + " + " +
                               std::to_string(c) + ")");
  }
  return sum;
}

std::vector<int64_t> int_tuple_from_config(const Json& value, size_t rank, const std::string& layer,
                                           const std::string& field) {
  std::vector<int64_t> sizes;
  if (value.is_number_integer()) sizes.assign(rank, value.get<int64_t>());
  if (value.is_array() && value.size() == rank) {
    for (const Json& v : value) {
      if (v.is_number_integer()) sizes.push_back(v.get<int64_t>());
    }
  }
  if (sizes.size() != rank) {
    throw InvalidArgumentError("layer '" + layer + "': " + field + " must be an integer or " +
                               std::to_string(rank) + " integers, got " + value.dump());
  }
  for (int64_t s : sizes) check_size(s, layer, field);
  return sizes;
}

void check_channels_last(const Json& config, const std::string& layer) {
  if (!config.contains("data_format") || config["data_format"].is_null()) return;
  if (config["data_format"] != "channels_last") {
    throw InvalidArgumentError("layer '" + layer + "': data_format " +
                               config["data_format"].dump() +
                               " is not supported (cairn's layers are channels_last)");
  }
}

int64_t int_from_config(const Json& config, const char* key, const std::string& layer,
                        const char* class_name) {
  if (!config.contains(key) || !config[key].is_number_integer()) {
    throw InvalidArgumentError("layer '" + layer + "' (" + class_name +
                               "): config has no integer '" + key + "'");
  }
  return config[key].get<int64_t>();
}

namespace {

[[noreturn]] void bad_field(const std::string& layer, const char* class_name, const char* key,
                            const char* expected, const Json& got) {
  throw InvalidArgumentError("layer '" + layer + "' (" + class_name + "): config field '" + key +
                             "' must be " + expected + ", got " + got.dump());
}

}  // namespace

double number_field(const Json& config, const char* key, double fallback, const std::string& layer,
                    const char* class_name) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_number()) bad_field(layer, class_name, key, "a number", config[key]);
  return config[key].get<double>();
}

bool bool_field(const Json& config, const char* key, bool fallback, const std::string& layer,
                const char* class_name) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_boolean()) bad_field(layer, class_name, key, "true or false", config[key]);
  return config[key].get<bool>();
}

std::string initializer_field(const Json& config, const char* key, const std::string& fallback) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  try {
    return initializer_from_config(config[key]);
  } catch (const InvalidArgumentError&) {
    return fallback;
  }
}

int64_t axis_field(const Json& config, int64_t fallback, const std::string& layer,
                   const char* class_name) {
  if (!config.contains("axis") || config["axis"].is_null()) return fallback;
  const Json& axis = config["axis"];
  if (axis.is_number_integer()) return axis.get<int64_t>();
  if (axis.is_array() && axis.size() == 1 && axis[0].is_number_integer()) {
    return axis[0].get<int64_t>();
  }
  bad_field(layer, class_name, "axis", "an integer (or a list of one)", axis);
}

bool is_last_axis(int64_t axis, size_t sample_rank) {
  return axis == -1 || axis == static_cast<int64_t>(sample_rank);
}

}  // namespace cairn::keras::internal
