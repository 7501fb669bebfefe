// Internal to keras: string tensors carried in safetensors metadata, which has
// no string dtype. Tensor "vocab" of shape [2] holding "a" and "\x01" becomes
//   "cairn.string_tensor/vocab": "{\"shape\":[2],\"hex\":[\"61\",\"01\"]}"
// (each element's bytes in lower-case hex, so binary strings such as a
// serialized object graph survive JSON's UTF-8).
//
//   internal::put_string_tensors(weights);    // strings -> metadata, before writing
//   internal::take_string_tensors(weights);   // metadata -> strings, after reading
#pragma once

#include <string_view>

#include "cairn/keras/convert.h"

namespace cairn::keras::internal {

inline constexpr std::string_view kStringTensorPrefix = "cairn.string_tensor/";

// Moves every string tensor of `weights` into its metadata.
void put_string_tensors(WeightsFile& weights);

// Moves every "cairn.string_tensor/..." metadata entry back into a tensor
// (kept sorted by name). Throws DataLossError naming weights.path and the
// entry when one is malformed.
void take_string_tensors(WeightsFile& weights);

}  // namespace cairn::keras::internal
