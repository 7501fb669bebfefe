// Sequential::summary: Keras 2's table for sequential models — 65 columns,
// fields ending at 29, 55 and 65, "_" between rows, "=" around the body.
#include <sstream>

#include "cairn/core/errors.h"
#include "cairn/keras/sequential.h"
#include "keras/summary_table.h"

namespace cairn::keras {

namespace {

constexpr int kLineLength = 65;
const std::vector<int> kPositions = {29, 55, 65};

std::string row(const std::vector<std::string>& fields) {
  return internal::summary_row(fields, kPositions);
}

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
    out << row({layer.name() + " (" + layer.class_name() + ")",
                internal::shape_text(layer.output_shape()),
                std::to_string(layers_[i]->count_params())})
        << "\n";
    out << std::string(kLineLength, i + 1 == layers_.size() ? '=' : '_') << "\n";
  }
  out << internal::params_totals(weights());
  out << std::string(kLineLength, '_') << "\n";
  return out.str();
}

void Sequential::summary(std::ostream& out) const { out << summary_string(); }

}  // namespace cairn::keras
