// Tensors as JSON for the `cairn saved_model` and SavedModel `predict`
// commands: a tensor is its elements as nested arrays (a scalar is a bare
// value), floats printed in their shortest round-trip form.
//
//   Tensor x = json_to_tensor(nlohmann::json::parse("[[1], [2.5]]"), DType::kFloat32, "x");
//   tensor_to_json(x).dump();   // "[[1.0],[2.5]]"
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "cairn/core/tensor.h"

namespace cairn::cli {

using ordered_json = nlohmann::ordered_json;

// The tensor of `dtype` that `value` spells; its shape is the nesting of the
// arrays. Throws InvalidArgumentError naming `what` for ragged arrays, arrays
// nested more than kMaxRank deep, or values of the wrong kind (a string for
// a float, 1.5 for an int64, ...).
Tensor json_to_tensor(const nlohmann::json& value, DType dtype, const std::string& what);

// `tensor` as nested arrays, built without recursion.
ordered_json tensor_to_json(const Tensor& tensor);

// Row `row` of `tensor` (its elements [row, ...]) as nested arrays.
ordered_json row_to_json(const Tensor& tensor, int64_t row);

// `doc` as one line, with invalid UTF-8 in strings replaced.
std::string dump_line(const ordered_json& doc);

}  // namespace cairn::cli
