// Bidirectional (wrappers.h): a recurrent layer run both ways, outputs merged.
#include "cairn/core/errors.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/wrappers.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/layer_factory.h"

namespace cairn::keras {

namespace {

// The time-reversed copy of [batch, steps · width] rows (steps blocks of width).
void reverse_steps(const nn::Matrix& in, int64_t steps, nn::Matrix& out) {
  const int64_t width = in.cols() / steps;
  out.resize(in.rows(), in.cols());
  for (int64_t s = 0; s < steps; ++s) {
    out.middleCols((steps - 1 - s) * width, width) = in.middleCols(s * width, width);
  }
}

// A copy of the wrapped layer named `name`, reading the steps backwards if asked.
LayerPtr copy_of(Json layer, const std::string& name, bool flip) {
  Json& config = layer["config"];
  config["name"] = name;
  config.erase("batch_input_shape");
  config.erase("batch_shape");
  if (flip) config["go_backwards"] = !config.value("go_backwards", false);
  return internal::layer_from_config(layer["class_name"].get<std::string>(), config);
}

}  // namespace

Bidirectional::Bidirectional(LayerPtr layer, WrapperOptions options)
    : Layer("bidirectional", options.name,
            options.input_shape ? options.input_shape : layer->declared_input_shape()),
      layer_config_{{"class_name", layer->class_name()}, {"config", layer->config()}},
      merge_mode_(options.merge_mode),
      forward_(copy_of(layer_config_, "forward_" + layer->name(), false)),
      backward_(copy_of(layer_config_, "backward_" + layer->name(), true)) {
  if (dynamic_cast<RecurrentLayer*>(layer.get()) == nullptr) {
    throw InvalidArgumentError("layer '" + name() + "' (Bidirectional) wraps a " +
                               layer->class_name() + "; it needs a SimpleRNN, LSTM or GRU");
  }
  if (merge_mode_ != "concat" && merge_mode_ != "sum" && merge_mode_ != "mul" &&
      merge_mode_ != "ave") {
    throw InvalidArgumentError("layer '" + name() + "' (Bidirectional): merge_mode '" +
                               merge_mode_ + "' is not one of concat, sum, mul, ave");
  }
  layer_config_["config"].erase("batch_input_shape");
  for (const LayerPtr& copy : {forward_, backward_}) {
    static_cast<RecurrentLayer&>(*copy).set_weight_scope(name() + "/" + copy->name());
  }
}

Shape Bidirectional::build(const Shape& input_shape, std::mt19937_64& rng) {
  const Shape out = forward_->build(input_shape, rng);
  backward_->build(input_shape, rng);
  sequences_ = out.size() == 2;
  steps_ = sequences_ ? out[0] : 1;
  units_ = out.back();
  Shape merged = out;
  if (merge_mode_ == "concat") merged.back() *= 2;
  return set_built(merged);
}

const nn::Matrix& Bidirectional::forward_kept(const nn::Matrix& x, bool training,
                                              std::mt19937_64& rng) {
  forward_->set_input_mask(input_mask());
  backward_->set_input_mask(input_mask());
  y_forward_ = forward_->forward_kept(x, training, rng);
  const nn::Matrix& yb = backward_->forward_kept(x, training, rng);
  if (sequences_) {
    reverse_steps(yb, steps_, y_backward_);
  } else {
    y_backward_ = yb;
  }
  if (merge_mode_ == "concat") {
    y_.resize(x.rows(), 2 * steps_ * units_);
    for (int64_t s = 0; s < steps_; ++s) {
      y_.middleCols(2 * s * units_, units_) = y_forward_.middleCols(s * units_, units_);
      y_.middleCols((2 * s + 1) * units_, units_) = y_backward_.middleCols(s * units_, units_);
    }
  } else if (merge_mode_ == "sum") {
    y_ = y_forward_ + y_backward_;
  } else if (merge_mode_ == "mul") {
    y_ = y_forward_.cwiseProduct(y_backward_);
  } else {
    y_ = 0.5f * (y_forward_ + y_backward_);
  }
  return y_;
}

nn::Matrix Bidirectional::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  return forward_kept(x, training, rng);
}

void Bidirectional::split_gradient(const nn::Matrix& d) {
  if (merge_mode_ == "concat") {
    d_forward_.resize(d.rows(), steps_ * units_);
    d_backward_.resize(d.rows(), steps_ * units_);
    for (int64_t s = 0; s < steps_; ++s) {
      d_forward_.middleCols(s * units_, units_) = d.middleCols(2 * s * units_, units_);
      d_backward_.middleCols(s * units_, units_) = d.middleCols((2 * s + 1) * units_, units_);
    }
  } else if (merge_mode_ == "sum") {
    d_forward_ = d;
    d_backward_ = d;
  } else if (merge_mode_ == "mul") {
    d_forward_ = d.cwiseProduct(y_backward_);
    d_backward_ = d.cwiseProduct(y_forward_);
  } else {
    d_forward_ = 0.5f * d;
    d_backward_ = d_forward_;
  }
  if (sequences_) {
    nn::Matrix reversed;
    reverse_steps(d_backward_, steps_, reversed);
    d_backward_ = std::move(reversed);
  }
}

const nn::Matrix& Bidirectional::backprop(const nn::Matrix& d, const BackpropOptions& options) {
  if (d.rows() != y_.rows() || d.cols() != y_.cols()) {
    throw InvalidArgumentError("layer '" + name() +
                               "': the output gradient's shape does not match the last forward()");
  }
  split_gradient(d);
  const BackpropOptions inner{.input_gradient = options.input_gradient};
  dx_ = forward_->backprop(d_forward_, inner);
  const nn::Matrix& db = backward_->backprop(d_backward_, inner);
  if (options.input_gradient) dx_ += db;
  return dx_;
}

nn::Matrix Bidirectional::backward(const nn::Matrix& dy) { return backprop(dy, {}); }

const Layer::Mask* Bidirectional::output_mask(const Mask* input_mask) const {
  return sequences_ ? input_mask : nullptr;
}

nn::VariableRefs Bidirectional::weights() {
  nn::VariableRefs all = forward_->weights();
  for (nn::Variable* w : backward_->weights()) all.push_back(w);
  return all;
}

std::string Bidirectional::weight_path(const nn::Variable& w) const {
  for (nn::Variable* f : forward_->weights()) {
    if (f == &w) return "forward_layer/" + forward_->weight_path(w);
  }
  return "backward_layer/" + backward_->weight_path(w);
}

Json Bidirectional::config() const {
  Json c = base_config();
  c["layer"] = layer_config_;
  c["merge_mode"] = merge_mode_;
  return c;
}

Bidirectional Bidirectional::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  const Json& layer = internal::wrapped_layer_from_config(config, "Bidirectional");
  WrapperOptions options{.input_shape = internal::input_shape_from_config(config), .name = name};
  if (config.contains("merge_mode")) {
    if (!config["merge_mode"].is_string()) {
      throw InvalidArgumentError("layer '" + name +
                                 "' (Bidirectional): merge_mode must be concat, sum, mul or ave "
                                 "(a Sequential model takes one output)");
    }
    options.merge_mode = config["merge_mode"].get<std::string>();
  }
  // The wrapped layer's own name keeps the copies' names ("forward_lstm").
  Json inner = layer["config"];
  LayerPtr wrapped = internal::layer_from_config(layer["class_name"].get<std::string>(), inner);
  return Bidirectional(std::move(wrapped), std::move(options));
}

}  // namespace cairn::keras
