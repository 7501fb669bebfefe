// Sequential::summary: Keras 2's table for sequential models — 65 columns,
// fields ending at 29, 55 and 65, "_" between rows, "=" around the body.
#include <sstream>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras {

namespace {

constexpr int kLineLength = 65;
constexpr int kPositions[] = {29, 55, 65};

// Keras's print_row: each field cut or padded to end at its position, with
// the last character of a cut field replaced by a space.
std::string row(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line = line.substr(0, line.size() - 1) + " ";
    line += fields[i];
    const auto end = static_cast<size_t>(kPositions[i]);
    line = line.substr(0, end);
    line += std::string(end - line.size(), ' ');
  }
  return line;
}

std::string shape_text(const Shape& shape) {
  std::string text = "(None";
  for (int64_t d : shape) text += ", " + std::to_string(d);
  return text + ")";
}

// 407050 -> "407,050".
std::string with_commas(int64_t n) { return group_thousands(std::to_string(n)); }

}  // namespace

std::string Sequential::summary_string() const {
  if (layers_.empty() || !layers_.back()->built()) {
    throw FailedPreconditionError(
        "model '" + name_ +
        "' has not been built: give the first layer an input_shape (or start with an Input), or "
        "call build() or fit() first");
  }
  std::ostringstream out;
  out << "Model: \"" << name_ << "\"\n";
  out << std::string(kLineLength, '_') << "\n";
  out << row({"Layer (type)", "Output Shape", "Param #"}) << "\n";
  out << std::string(kLineLength, '=') << "\n";
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& layer = *layers_[i];
    out << row({layer.name() + " (" + layer.class_name() + ")", shape_text(layer.output_shape()),
                std::to_string(layers_[i]->count_params())})
        << "\n";
    out << std::string(kLineLength, i + 1 == layers_.size() ? '=' : '_') << "\n";
  }
  int64_t trainable = 0;
  for (const nn::Variable* w : weights()) {
    if (w->trainable) trainable += w->value.num_elements();
  }
  out << "Total params: " << with_commas(count_params()) << "\n";
  out << "Trainable params: " << with_commas(trainable) << "\n";
  out << "Non-trainable params: " << with_commas(count_params() - trainable) << "\n";
  out << std::string(kLineLength, '_') << "\n";
  return out.str();
}

void Sequential::summary(std::ostream& out) const { out << summary_string(); }

}  // namespace cairn::keras
