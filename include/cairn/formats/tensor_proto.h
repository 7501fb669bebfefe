// Decoding a TensorProto (a Const node's value, a tensor in a graph) into a
// Tensor: the inverse of to_tensor_proto() in graph_builder.h, for every
// form TensorFlow writes.
//
//   tensor_content   the elements' little-endian bytes, row-major
//   *_val fields     the elements in the field of the dtype (float_val,
//                    int_val, int64_val, string_val, ...); fewer values than
//                    elements means "repeat the last one" (tf.fill's compact
//                    form), none means all zeros
//
//   CAIRN_ASSIGN_OR_RETURN(cairn::Tensor value,
//       cairn::tensor_from_proto(node.attr().at("value").tensor(), "node 'a/initial_value'"));
#pragma once

#include <cstdint>
#include <string>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/proto/tensor.pb.h"

namespace cairn {

// Most elements a decoded TensorProto may have (a guard against a corrupt
// shape with a single value asking for gigabytes).
inline constexpr int64_t kMaxTensorProtoElements = int64_t{1} << 28;

// The tensor `proto` holds. DATA_LOSS (prefixed with `where`) for a bad
// shape, a tensor_content of the wrong size or more values than elements;
// UNIMPLEMENTED for dtypes cairn has no Tensor for (complex, resource, variant).
Result<Tensor> tensor_from_proto(const tensorflow::TensorProto& proto, const std::string& where);

}  // namespace cairn
