// The one place where a tensor's shape becomes a count of elements and of
// bytes, with checked arithmetic. Every shape that memory is allocated for
// (a Tensor's, one read from a file, one a graph kernel computes) goes
// through tensor_size() first, so a rank past kMaxRank, a negative
// dimension, a product that overflows or a size over a stated limit is an
// error naming the shape, never a wrapped size.
//
//   CAIRN_ASSIGN_OR_RETURN(cairn::TensorSize size,
//                          cairn::tensor_size(cairn::DType::kFloat32, {4, 10}));
//   size.elements;  // 40
//   size.bytes;     // 160
//
//   // A shape read from a file, held to what the file can hold:
//   auto fits = cairn::tensor_size(dtype, shape, /*max_bytes=*/file_size);
//   if (!fits.ok()) return fits.status().with_context(path);
#pragma once

#include <cstdint>

#include "cairn/core/dtype.h"
#include "cairn/core/status.h"
#include "cairn/core/tensor_shape.h"

namespace cairn {

// Most bytes one tensor may take when no smaller limit is given: the user
// address space of 64-bit Linux (47 bits), which no allocation can exceed.
inline constexpr int64_t kMaxTensorBytes = int64_t{1} << 47;

struct TensorSize {
  int64_t elements = 0;  // product of the dimensions (1 for a scalar)
  int64_t bytes = 0;     // elements * element_bytes(dtype)
};

// Bytes one element of `dtype` takes in memory: dtype_size(), or
// sizeof(std::string) for a string (its characters are not counted); 0 for
// kInvalid and kVariant.
int64_t element_bytes(DType dtype);

// The elements and bytes of a `dtype` tensor of `shape`. INVALID_ARGUMENT
// naming the shape when its rank exceeds kMaxRank or a dimension is
// negative; RESOURCE_EXHAUSTED naming the dtype and shape when the element
// count overflows int64 or the bytes exceed `max_bytes`. A shape with a zero
// dimension has no elements, however large its other dimensions.
Result<TensorSize> tensor_size(DType dtype, const TensorShape& shape,
                               int64_t max_bytes = kMaxTensorBytes);

}  // namespace cairn
