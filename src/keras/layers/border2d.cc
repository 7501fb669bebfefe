#include "cairn/keras/layers/border2d.h"

#include "cairn/core/errors.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

std::array<int64_t, 4> checked_border(const std::array<int64_t, 4>& border,
                                      const std::string& layer, const std::string& field) {
  for (int64_t b : border) internal::check_size(b, layer, field, 0);
  return border;
}

// (height, width, channels), each in [1, 2^31).
void check_image(const Shape& input, const std::string& layer, const std::string& class_name) {
  internal::check_input_rank(input, 3, layer, class_name, "shape (height, width, channels)");
  for (int64_t d : input) internal::check_size(d, layer, "input dimension");
}

// [[top, bottom], [left, right]], as Keras writes it.
Json border_json(const std::array<int64_t, 4>& b) {
  return Json::array({Json::array({b[0], b[1]}), Json::array({b[2], b[3]})});
}

Border2DOptions border_options(const Json& config, const std::string& key) {
  const std::string name = internal::name_from_config(config);
  internal::check_channels_last(config, name);
  Border2DOptions o{.input_shape = internal::input_shape_from_config(config), .name = name};
  (key == "padding" ? o.padding : o.cropping) = internal::border_from_config(config, key, name);
  return o;
}

}  // namespace

ZeroPadding2D::ZeroPadding2D(Border2DOptions options)
    : Layer("zero_padding2d", options.name, options.input_shape),
      padding_(checked_border(options.padding, name(), "padding")) {}

Shape ZeroPadding2D::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  check_image(input_shape, name(), class_name());
  border_ = {.height = input_shape[0],
             .width = input_shape[1],
             .channels = input_shape[2],
             .top = padding_[0],
             .bottom = padding_[1],
             .left = padding_[2],
             .right = padding_[3]};
  return set_built({border_.outer_height(), border_.outer_width(), border_.channels});
}

nn::Matrix ZeroPadding2D::forward(const nn::Matrix& x, bool /*training*/,
                                  std::mt19937_64& /*rng*/) {
  nn::Matrix y;
  nn::pad2d(border_, x, y);
  return y;
}

nn::Matrix ZeroPadding2D::backward(const nn::Matrix& dy) {
  nn::Matrix dx;
  nn::crop2d(border_, dy, dx);
  return dx;
}

Json ZeroPadding2D::config() const {
  Json c = base_config();
  c["padding"] = border_json(padding_);
  c["data_format"] = "channels_last";
  return c;
}

ZeroPadding2D ZeroPadding2D::from_config(const Json& config) {
  return ZeroPadding2D(border_options(config, "padding"));
}

Cropping2D::Cropping2D(Border2DOptions options)
    : Layer("cropping2d", options.name, options.input_shape),
      cropping_(checked_border(options.cropping, name(), "cropping")) {}

Shape Cropping2D::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  check_image(input_shape, name(), class_name());
  const int64_t height = input_shape[0] - cropping_[0] - cropping_[1];
  const int64_t width = input_shape[1] - cropping_[2] - cropping_[3];
  if (height < 1 || width < 1) {
    throw InvalidArgumentError("layer '" + name() + "' (Cropping2D): cropping " +
                               border_json(cropping_).dump() + " leaves nothing of input shape " +
                               internal::shape_json(input_shape).dump());
  }
  border_ = {.height = height,
             .width = width,
             .channels = input_shape[2],
             .top = cropping_[0],
             .bottom = cropping_[1],
             .left = cropping_[2],
             .right = cropping_[3]};
  return set_built({height, width, border_.channels});
}

nn::Matrix Cropping2D::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  nn::Matrix y;
  nn::crop2d(border_, x, y);
  return y;
}

nn::Matrix Cropping2D::backward(const nn::Matrix& dy) {
  nn::Matrix dx;
  nn::pad2d(border_, dy, dx);
  return dx;
}

Json Cropping2D::config() const {
  Json c = base_config();
  c["cropping"] = border_json(cropping_);
  c["data_format"] = "channels_last";
  return c;
}

Cropping2D Cropping2D::from_config(const Json& config) {
  return Cropping2D(border_options(config, "cropping"));
}

UpSampling2D::UpSampling2D(UpSampling2DOptions options)
    : Layer("up_sampling2d", options.name, options.input_shape),
      size_(internal::expand_tuple(options.size, 2, 2, name(), "size")) {
  if (options.interpolation != "nearest") {
    throw InvalidArgumentError("layer '" + name() + "' (UpSampling2D): interpolation '" +
                               options.interpolation + "' is not supported (cairn has nearest)");
  }
}

Shape UpSampling2D::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  check_image(input_shape, name(), class_name());
  upsampling_ = {.height = input_shape[0],
                 .width = input_shape[1],
                 .channels = input_shape[2],
                 .size_h = size_[0],
                 .size_w = size_[1]};
  const int64_t height = internal::checked_product({input_shape[0], size_[0]}, name(), "height");
  const int64_t width = internal::checked_product({input_shape[1], size_[1]}, name(), "width");
  internal::check_size(height, name(), "output height");
  internal::check_size(width, name(), "output width");
  internal::checked_product({height, width, input_shape[2]}, name(), "output size");
  return set_built({height, width, input_shape[2]});
}

nn::Matrix UpSampling2D::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  nn::Matrix y;
  nn::upsample_nearest(upsampling_, x, y);
  return y;
}

nn::Matrix UpSampling2D::backward(const nn::Matrix& dy) {
  nn::Matrix dx;
  nn::upsample_nearest_backward(upsampling_, dy, dx);
  return dx;
}

Json UpSampling2D::config() const {
  Json c = base_config();
  c["size"] = internal::int_list(size_);
  c["data_format"] = "channels_last";
  c["interpolation"] = "nearest";
  return c;
}

UpSampling2D UpSampling2D::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  internal::check_channels_last(config, name);
  return UpSampling2D({.size = internal::tuple_from_config(config, "size", 2, 2, name),
                       .interpolation = config.value("interpolation", "nearest"),
                       .input_shape = internal::input_shape_from_config(config),
                       .name = name});
}

}  // namespace cairn::keras
