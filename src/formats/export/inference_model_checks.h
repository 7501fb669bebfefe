// Checks shared by the exporters (ONNX, TensorFlow.js): that an
// InferenceModel is one they can write, before any byte is written.
//
//   CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> out_shape,
//                          cairn::internal::check_inference_model(model));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"

namespace cairn::internal {

// True for the activations InferenceStep documents ("linear", "relu", ...).
bool is_known_activation(std::string_view activation);

// Validates `model` and returns the shape of the last step's output without
// its batch dimension. INVALID_ARGUMENT naming the layer for: an empty or
// repeated layer name, an unknown activation, a Dense kernel that is not a
// float32 [inputs, units] matrix matching its input, a bias that is not
// float32 [units], a Dense step on an input that is not flat, a kLayer step
// without a class name, with an empty or non-positive output_shape or an
// unnamed or non-float32 weight; and naming the
// model for: a non-positive input dimension, feature widths that do not add
// up to the input, no outputs, empty or repeated output names, a
// probabilities/logistic/class_ids output on a multi-dimensional result, or
// a binary head whose result is not one column.
Result<std::vector<int64_t>> check_inference_model(const InferenceModel& model);

}  // namespace cairn::internal
