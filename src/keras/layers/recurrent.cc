#include "cairn/keras/layers/recurrent.h"

#include <limits>

#include "cairn/core/errors.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

const char* base_name(nn::CellKind cell) {
  switch (cell) {
    case nn::CellKind::kSimpleRNN:
      return "simple_rnn";
    case nn::CellKind::kLSTM:
      return "lstm";
    case nn::CellKind::kGRU:
      return "gru";
  }
  return "rnn";
}

}  // namespace

RecurrentLayer::RecurrentLayer(nn::CellKind cell, const std::string& base, int64_t units,
                               RecurrentOptions options)
    : Layer(base, options.name, options.input_shape),
      cell_(cell),
      units_(units),
      options_(std::move(options)) {
  const std::string what = "layer '" + name() + "' (" + base + ")";
  if (units < 1 || units > std::numeric_limits<int32_t>::max()) {
    throw InvalidArgumentError(what + ": units must be in [1, 2^31), got " + std::to_string(units));
  }
  try {
    internal::parse_activation(options_.activation);
    internal::parse_activation(options_.recurrent_activation);
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError(what + ": " + e.what());
  }
  for (const std::string* init : {&options_.kernel_initializer, &options_.recurrent_initializer,
                                  &options_.bias_initializer}) {
    if (!internal::is_known_initializer(*init)) {
      throw InvalidArgumentError(what + ": unknown initializer '" + *init + "'");
    }
  }
  for (double rate : {options_.dropout, options_.recurrent_dropout}) {
    if (!(rate >= 0.0 && rate < 1.0)) {
      throw InvalidArgumentError(what + ": dropout rates must be in [0, 1)");
    }
  }
  scope_ = name();
}

const char* RecurrentLayer::cell_name() const {
  switch (cell_) {
    case nn::CellKind::kSimpleRNN:
      return "simple_rnn_cell";
    case nn::CellKind::kLSTM:
      return "lstm_cell";
    case nn::CellKind::kGRU:
      return "gru_cell";
  }
  return "cell";
}

Shape RecurrentLayer::build(const Shape& input_shape, std::mt19937_64& rng) {
  if (input_shape.size() != 2 || input_shape[0] < 1 || input_shape[1] < 1) {
    throw InvalidArgumentError("layer '" + name() + "' (" + class_name() +
                               ") needs inputs of shape (timesteps, features), got " +
                               internal::shape_json(input_shape).dump());
  }
  recurrent_.emplace(nn::RecurrentOptions{
      .name = scope_ + "/" + cell_name(),
      .cell = cell_,
      .input_dim = input_shape[1],
      .units = units_,
      .timesteps = input_shape[0],
      .activation = internal::parse_activation(options_.activation),
      .recurrent_activation = internal::parse_activation(options_.recurrent_activation),
      .use_bias = options_.use_bias,
      .reset_after = options_.reset_after,
      .return_sequences = options_.return_sequences,
      .go_backwards = options_.go_backwards});
  const int64_t gu = recurrent_->gates() * units_;
  internal::fill_initializer(options_.kernel_initializer, recurrent_->kernel().value,
                             input_shape[1], gu, rng);
  internal::fill_initializer(options_.recurrent_initializer, recurrent_->recurrent_kernel().value,
                             units_, gu, rng);
  if (options_.use_bias) {
    Tensor& bias = recurrent_->bias().value;
    internal::fill_initializer(options_.bias_initializer, bias, gu, gu, rng);
    if (cell_ == nn::CellKind::kLSTM && options_.unit_forget_bias) {
      auto b = bias.flat<float>();
      for (int64_t i = units_; i < 2 * units_; ++i) b[i] = 1.0f;
    }
  }
  return set_built(options_.return_sequences ? Shape{input_shape[0], units_} : Shape{units_});
}

nn::Recurrent& RecurrentLayer::recurrent() {
  if (!recurrent_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  return *recurrent_;
}

const nn::Matrix& RecurrentLayer::forward_kept(const nn::Matrix& x, bool training,
                                               std::mt19937_64& /*rng*/) {
  if (training && (options_.dropout > 0.0 || options_.recurrent_dropout > 0.0)) {
    throw UnimplementedError("layer '" + name() +
                             "': training with dropout or recurrent_dropout is not implemented "
                             "(inference ignores them)");
  }
  return recurrent().forward(x, input_mask(), initial_);
}

nn::Matrix RecurrentLayer::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  return forward_kept(x, training, rng);
}

nn::Matrix RecurrentLayer::backward(const nn::Matrix& dy) { return recurrent().backward(dy); }

const nn::Matrix& RecurrentLayer::backprop(const nn::Matrix& d, const BackpropOptions& options) {
  return recurrent().backward(d, options.input_gradient);
}

const Layer::Mask* RecurrentLayer::output_mask(const Mask* input_mask) const {
  return options_.return_sequences ? input_mask : nullptr;
}

nn::VariableRefs RecurrentLayer::weights() {
  return recurrent_ ? recurrent_->variables() : nn::VariableRefs{};
}

std::string RecurrentLayer::weight_path(const nn::Variable& w) const {
  return "cell/" + Layer::weight_path(w);
}

Json RecurrentLayer::config() const {
  Json c = base_config();
  c["return_sequences"] = options_.return_sequences;
  c["return_state"] = false;
  c["go_backwards"] = options_.go_backwards;
  c["stateful"] = false;
  c["unroll"] = false;
  c["time_major"] = false;
  c["units"] = units_;
  c["activation"] =
      std::string(nn::activation_name(internal::parse_activation(options_.activation)));
  if (cell_ != nn::CellKind::kSimpleRNN) {
    c["recurrent_activation"] =
        std::string(nn::activation_name(internal::parse_activation(options_.recurrent_activation)));
  }
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = internal::initializer_config(options_.kernel_initializer);
  c["recurrent_initializer"] = internal::initializer_config(options_.recurrent_initializer);
  c["bias_initializer"] = internal::initializer_config(options_.bias_initializer);
  if (cell_ == nn::CellKind::kLSTM) c["unit_forget_bias"] = options_.unit_forget_bias;
  for (const char* none :
       {"kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint"}) {
    c[none] = nullptr;
  }
  c["dropout"] = options_.dropout;
  c["recurrent_dropout"] = options_.recurrent_dropout;
  if (cell_ != nn::CellKind::kSimpleRNN) c["implementation"] = 2;
  if (cell_ == nn::CellKind::kGRU) c["reset_after"] = options_.reset_after;
  return c;
}

SimpleRNN::SimpleRNN(int64_t units, RecurrentOptions options)
    : RecurrentLayer(nn::CellKind::kSimpleRNN, base_name(nn::CellKind::kSimpleRNN), units,
                     std::move(options)) {}

LSTM::LSTM(int64_t units, RecurrentOptions options)
    : RecurrentLayer(nn::CellKind::kLSTM, base_name(nn::CellKind::kLSTM), units,
                     std::move(options)) {}

GRU::GRU(int64_t units, RecurrentOptions options)
    : RecurrentLayer(nn::CellKind::kGRU, base_name(nn::CellKind::kGRU), units, std::move(options)) {
}

SimpleRNN SimpleRNN::from_config(const Json& config) {
  return SimpleRNN(units_from_config(config, "SimpleRNN"),
                   options_from_config(config, "SimpleRNN"));
}

LSTM LSTM::from_config(const Json& config) {
  return LSTM(units_from_config(config, "LSTM"), options_from_config(config, "LSTM"));
}

GRU GRU::from_config(const Json& config) {
  return GRU(units_from_config(config, "GRU"), options_from_config(config, "GRU"));
}

}  // namespace cairn::keras
