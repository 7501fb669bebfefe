// Element types of tensors, numbered exactly as TensorFlow's DataType enum
// (tensorflow/core/framework/types.proto), because those numbers are what
// checkpoint files store.
//
//   cairn::DType t = cairn::DType::kFloat32;
//   cairn::dtype_name(t);                 // "float32", TensorFlow's spelling
//   cairn::dtype_size(t);                 // 4 bytes per element
//   cairn::dtype_of<int64_t>();           // DType::kInt64
//   cairn::dtype_from_name("bfloat16");   // DType::kBfloat16
//
// Every DataType a TensorFlow checkpoint can record is known by name, so
// listings and `cairn verify` say "complex64" rather than "invalid". Some
// are known without math: complex and quantized tensors hold their bytes
// (readable, checksummed, copyable) but no kernel computes on them; variant
// and resource have no element representation at all (has_values() false).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cairn/core/float16.h"

namespace cairn {

enum class DType : int {
  kInvalid = 0,
  kFloat32 = 1,
  kFloat64 = 2,
  kInt32 = 3,
  kUint8 = 4,
  kInt16 = 5,
  kInt8 = 6,
  kString = 7,
  kComplex64 = 8,  // pairs of float32; bytes only, no math
  kInt64 = 9,
  kBool = 10,
  kQint8 = 11,  // quantized types: bytes only, no math
  kQuint8 = 12,
  kQint32 = 13,
  kBfloat16 = 14,
  kQint16 = 15,
  kQuint16 = 16,
  kUint16 = 17,
  kComplex128 = 18,  // pairs of float64; bytes only, no math
  kHalf = 19,
  kResource = 20,  // a handle; listed in files, never decoded by cairn
  kVariant = 21,   // listed in checkpoints, never decoded by cairn
  kUint32 = 22,
  kUint64 = 23,
  kFloat8E5m2 = 24,  // bytes only, no math
  kFloat8E4m3fn = 25,
};

// True for the dtypes above other than kInvalid.
bool is_known_dtype(int value);

// True for the dtypes cairn computes on and prints: float, int, uint, bool,
// half, bfloat16 and string; false for complex, quantized, float8, variant,
// resource and kInvalid.
bool has_math(DType dtype);

// True when a Tensor can hold elements of `dtype`: fixed-width types and
// strings. False for kInvalid, kVariant and kResource, which files may list
// but cairn never decodes.
bool has_values(DType dtype);

// TensorFlow's name: "float32", "int64", "string", "half", "bfloat16", ...;
// "invalid" for kInvalid and unknown values.
std::string_view dtype_name(DType dtype);

// Inverse of dtype_name(); also accepts TensorFlow's "DT_FLOAT" style names.
std::optional<DType> dtype_from_name(std::string_view name);

// Bytes per element for fixed-width dtypes; 0 for string, variant, resource,
// invalid.
size_t dtype_size(DType dtype);

// True when elements are fixed-width numbers or bools (not string, variant,
// resource).
inline bool is_fixed_width(DType dtype) { return dtype_size(dtype) != 0; }

// The DType of a C++ element type, at compile time.
template <typename T>
constexpr DType dtype_of();

template <>
constexpr DType dtype_of<float>() {
  return DType::kFloat32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::kFloat64;
}
template <>
constexpr DType dtype_of<int32_t>() {
  return DType::kInt32;
}
template <>
constexpr DType dtype_of<uint8_t>() {
  return DType::kUint8;
}
template <>
constexpr DType dtype_of<int16_t>() {
  return DType::kInt16;
}
template <>
constexpr DType dtype_of<int8_t>() {
  return DType::kInt8;
}
template <>
constexpr DType dtype_of<int64_t>() {
  return DType::kInt64;
}
template <>
constexpr DType dtype_of<bool>() {
  return DType::kBool;
}
template <>
constexpr DType dtype_of<bfloat16>() {
  return DType::kBfloat16;
}
template <>
constexpr DType dtype_of<uint16_t>() {
  return DType::kUint16;
}
template <>
constexpr DType dtype_of<half>() {
  return DType::kHalf;
}
template <>
constexpr DType dtype_of<uint32_t>() {
  return DType::kUint32;
}
template <>
constexpr DType dtype_of<uint64_t>() {
  return DType::kUint64;
}

}  // namespace cairn
