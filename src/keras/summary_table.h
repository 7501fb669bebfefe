// Internal to keras: the pieces of Keras's summary() tables that
// Sequential's and Model's share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"

namespace cairn::keras::internal {

// Keras's print_row: each field cut or padded to end at its position, with
// the last character of a cut field replaced by a space.
std::string summary_row(const std::vector<std::string>& fields, const std::vector<int>& positions);

// "(None, 26, 26, 32)".
std::string shape_text(const Shape& shape);

// 407050 -> "407,050".
std::string with_commas(int64_t n);

// The three lines after the table: total, trainable and non-trainable parameters.
std::string params_totals(const nn::VariableRefs& weights);

}  // namespace cairn::keras::internal
