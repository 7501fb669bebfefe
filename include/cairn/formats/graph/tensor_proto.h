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

// Most bytes a decoded TensorProto may take when the caller states no
// limit of its own: the compact form repeats one value over the whole shape,
// so a few bytes of file can ask for gigabytes.
inline constexpr int64_t kMaxTensorProtoBytes = int64_t{1} << 30;

// The tensor `proto` holds. DATA_LOSS (prefixed with `where`) for a bad
// shape (a negative dimension, more than kMaxRank dimensions), a
// tensor_content of the wrong size or more values than elements;
// RESOURCE_EXHAUSTED when the tensor would take more than `max_bytes` (its
// elements, and a string tensor's characters), checked before allocating;
// UNIMPLEMENTED for dtypes cairn has no Tensor for (complex, resource, variant).
Result<Tensor> tensor_from_proto(const tensorflow::TensorProto& proto, const std::string& where,
                                 int64_t max_bytes = kMaxTensorProtoBytes);

}  // namespace cairn
