// TimeDistributed (wrappers.h): a layer applied to every timestep. The rows
// [batch, steps · features] are read as [batch · steps, features] for it.
#include "cairn/core/errors.h"
#include "cairn/keras/layers/wrappers.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/layer_factory.h"

namespace cairn::keras {

TimeDistributed::TimeDistributed(LayerPtr layer, WrapperOptions options)
    : Layer("time_distributed", options.name, options.input_shape), layer_(std::move(layer)) {}

Shape TimeDistributed::build(const Shape& input_shape, std::mt19937_64& rng) {
  if (input_shape.size() < 2) {
    throw InvalidArgumentError("layer '" + name() +
                               "' (TimeDistributed) needs inputs of shape (timesteps, ...), got " +
                               internal::shape_json(input_shape).dump());
  }
  steps_ = input_shape[0];
  Shape out = layer_->build(Shape(input_shape.begin() + 1, input_shape.end()), rng);
  out.insert(out.begin(), steps_);
  return set_built(out);
}

const nn::Matrix& TimeDistributed::forward_kept(const nn::Matrix& x, bool training,
                                                std::mt19937_64& rng) {
  if (!built()) throw FailedPreconditionError("layer '" + name() + "' is not built");
  rows_ = Eigen::Map<const nn::Matrix>(x.data(), x.rows() * steps_, x.cols() / steps_);
  const nn::Matrix& y = layer_->forward_kept(rows_, training, rng);
  y_ = Eigen::Map<const nn::Matrix>(y.data(), x.rows(), y.size() / std::max<int64_t>(x.rows(), 1));
  return y_;
}

nn::Matrix TimeDistributed::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  return forward_kept(x, training, rng);
}

const nn::Matrix& TimeDistributed::backprop(const nn::Matrix& d, const BackpropOptions& options) {
  if (d.rows() != y_.rows() || d.cols() != y_.cols()) {
    throw InvalidArgumentError("layer '" + name() +
                               "': the output gradient's shape does not match the last forward()");
  }
  d_rows_ = Eigen::Map<const nn::Matrix>(d.data(), d.rows() * steps_, d.cols() / steps_);
  const nn::Matrix& dx =
      layer_->backprop(d_rows_, {.input_gradient = options.input_gradient, .step = options.step});
  if (!options.input_gradient) {
    dx_.resize(0, 0);
  } else {
    dx_ = Eigen::Map<const nn::Matrix>(dx.data(), d.rows(),
                                       dx.size() / std::max<int64_t>(d.rows(), 1));
  }
  return dx_;
}

nn::Matrix TimeDistributed::backward(const nn::Matrix& dy) { return backprop(dy, {}); }

std::string TimeDistributed::weight_path(const nn::Variable& w) const {
  return "layer/" + layer_->weight_path(w);
}

Json TimeDistributed::config() const {
  Json c = base_config();
  c["layer"] = Json{{"class_name", layer_->class_name()}, {"config", layer_->config()}};
  return c;
}

TimeDistributed TimeDistributed::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  const Json& layer = internal::wrapped_layer_from_config(config, "TimeDistributed");
  LayerPtr inner =
      internal::layer_from_config(layer["class_name"].get<std::string>(), layer["config"]);
  return TimeDistributed(std::move(inner),
                         {.input_shape = internal::input_shape_from_config(config), .name = name});
}

}  // namespace cairn::keras
