#include "keras/layers/channel_weights.h"

#include "cairn/core/errors.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras::internal {

int64_t normalized_channels(const Shape& input_shape, int64_t axis, const std::string& layer,
                            const char* class_name) {
  if (input_shape.empty() || input_shape.back() < 1) {
    throw InvalidArgumentError("layer '" + layer + "' (" + class_name +
                               ") needs inputs with a channels axis of at least 1, got shape " +
                               shape_json(input_shape).dump());
  }
  if (!is_last_axis(axis, input_shape.size())) {
    throw InvalidArgumentError("layer '" + layer + "' (" + class_name + "): axis " +
                               std::to_string(axis) + " of inputs of shape " +
                               shape_json(input_shape).dump() +
                               " is not supported; cairn normalizes the last axis (-1)");
  }
  return input_shape.back();
}

nn::Variable channel_variable(const std::string& layer, const char* weight, int64_t channels,
                              const std::string& initializer, bool trainable,
                              std::mt19937_64& rng) {
  nn::Variable v{.name = layer + "/" + weight,
                 .value = Tensor(DType::kFloat32, {channels}),
                 .trainable = trainable,
                 .gradient = Tensor()};
  fill_initializer(initializer, v.value, channels, channels, rng);
  return v;
}

nn::RowVector channel_row(const std::optional<nn::Variable>& v, int64_t channels, float fallback) {
  if (!v) return nn::RowVector::Constant(channels, fallback);
  return nn::as_matrix(v->value);
}

void set_channel_gradient(std::optional<nn::Variable>& v, const nn::RowVector& g) {
  if (!v) return;
  if (!(v->gradient.shape() == v->value.shape())) {
    v->gradient = Tensor(DType::kFloat32, v->value.shape());
  }
  nn::as_matrix(v->gradient) = g;
}

}  // namespace cairn::keras::internal
