#include "keras/layers/conv_config.h"

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras::internal {

std::vector<int64_t> expand_tuple(const std::vector<int64_t>& values, size_t rank, int64_t fallback,
                                  const std::string& layer, const std::string& field) {
  std::vector<int64_t> out = values;
  if (out.empty()) out.assign(rank, fallback);
  if (out.size() == 1) out.assign(rank, out[0]);
  if (out.size() != rank) {
    throw InvalidArgumentError("layer '" + layer + "': " + field + " needs " +
                               std::to_string(rank) + " values, got " +
                               std::to_string(values.size()));
  }
  for (int64_t v : out) check_size(v, layer, field);
  return out;
}

std::vector<int64_t> tuple_from_config(const Json& config, const std::string& key, size_t rank,
                                       int64_t fallback, const std::string& layer) {
  if (!config.contains(key) || config[key].is_null()) return std::vector<int64_t>(rank, fallback);
  const Json& v = config[key];
  std::vector<int64_t> values;
  for (const Json& item : v.is_array() ? v : Json::array({v})) {
    if (!item.is_number_integer()) {
      throw InvalidArgumentError("layer '" + layer + "': " + key + " " + v.dump() +
                                 " is not an integer or a list of integers");
    }
    values.push_back(item.get<int64_t>());
  }
  return expand_tuple(values, rank, fallback, layer, key);
}

std::array<int64_t, 4> border_from_config(const Json& config, const std::string& key,
                                          const std::string& layer) {
  const Json& v = config.contains(key) ? config[key] : Json(0);
  std::array<int64_t, 4> border{};
  auto read = [&](const Json& item, size_t at) {
    if (!item.is_number_integer()) {
      throw InvalidArgumentError("layer '" + layer + "': " + key + " " + v.dump() +
                                 " is not an int, 2 ints or 2 pairs of ints");
    }
    border[at] = item.get<int64_t>();
    check_size(border[at], layer, key, 0);
  };
  if (v.is_array() && v.size() == 2) {
    for (size_t axis = 0; axis < 2; ++axis) {
      const Json& pair = v[axis];
      const bool both = pair.is_array() && pair.size() == 2;
      read(both ? pair[0] : pair, axis * 2);
      read(both ? pair[1] : pair, axis * 2 + 1);
    }
  } else {
    for (size_t i = 0; i < 4; ++i) read(v, i);
  }
  return border;
}

nn::Padding parse_padding(const std::string& name, const std::string& layer, bool causal_allowed) {
  std::optional<nn::Padding> p = nn::padding_from_name(name);
  if (!p || (*p == nn::Padding::kCausal && !causal_allowed)) {
    throw InvalidArgumentError("layer '" + layer + "': padding '" + name + "' is not " +
                               (causal_allowed ? "valid, same or causal" : "valid or same"));
  }
  return *p;
}

Json int_list(const std::vector<int64_t>& values) {
  Json list = Json::array();
  for (int64_t v : values) list.push_back(v);
  return list;
}

void check_input_rank(const Shape& shape, size_t rank, const std::string& layer,
                      const std::string& class_name, const std::string& expected) {
  if (shape.size() != rank) {
    throw InvalidArgumentError("layer '" + layer + "' (" + class_name + ") needs inputs of " +
                               expected + ", got shape " + shape_json(shape).dump());
  }
}

int64_t checked_product(const std::vector<int64_t>& sizes, const std::string& layer,
                        const std::string& what) {
  int64_t product = 1;
  for (int64_t s : sizes) {
    if (__builtin_mul_overflow(product, s, &product)) {
      throw InvalidArgumentError("layer '" + layer + "': " + what + " overflows");
    }
  }
  return product;
}

nn::ConvGeometry window_geometry(const Shape& input, const WindowOptions& window,
                                 const std::string& layer, const std::string& class_name) {
  const size_t rank = window.kernel.size();
  check_input_rank(input, rank + 1, layer, class_name,
                   rank == 1 ? "shape (steps, channels)" : "shape (height, width, channels)");
  for (int64_t d : input) check_size(d, layer, "input dimension");
  std::vector<nn::ConvAxis> axes;
  for (size_t i = 0; i < rank; ++i) {
    axes.push_back(nn::conv_axis({.input = input[i],
                                  .kernel = window.kernel[i],
                                  .stride = window.strides[i],
                                  .dilation = window.dilation[i],
                                  .padding = window.padding}));
    if (axes.back().output < 1) {
      throw InvalidArgumentError("layer '" + layer + "' (" + class_name + "): input shape " +
                                 shape_json(input).dump() + " is smaller than the kernel " +
                                 int_list(window.kernel).dump() + " with padding 'valid'");
    }
  }
  nn::ConvGeometry g{.width = axes.back(), .channels = input.back()};
  if (rank == 2) g.height = axes[0];
  return g;
}

void check_strides_or_dilation(const std::vector<int64_t>& strides,
                               const std::vector<int64_t>& dilation, const std::string& layer) {
  bool strided = false, dilated = false;
  for (int64_t s : strides) strided |= s > 1;
  for (int64_t d : dilation) dilated |= d > 1;
  if (strided && dilated) {
    throw InvalidArgumentError("layer '" + layer +
                               "': strides > 1 are not supported with dilation_rate > 1");
  }
}

}  // namespace cairn::keras::internal
