#include "cairn/core/dtype.h"

#include <array>
#include <string>

namespace cairn {
namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;     // TensorFlow's Python spelling
  std::string_view tf_enum;  // the DataType enum's spelling
  size_t size;
  bool math = true;  // cairn computes on it (and prints its values)
};

constexpr std::array<DTypeInfo, 25> kDTypes = {{
    {DType::kFloat32, "float32", "DT_FLOAT", 4},
    {DType::kFloat64, "float64", "DT_DOUBLE", 8},
    {DType::kInt32, "int32", "DT_INT32", 4},
    {DType::kUint8, "uint8", "DT_UINT8", 1},
    {DType::kInt16, "int16", "DT_INT16", 2},
    {DType::kInt8, "int8", "DT_INT8", 1},
    {DType::kString, "string", "DT_STRING", 0},
    {DType::kInt64, "int64", "DT_INT64", 8},
    {DType::kBool, "bool", "DT_BOOL", 1},
    {DType::kBfloat16, "bfloat16", "DT_BFLOAT16", 2},
    {DType::kUint16, "uint16", "DT_UINT16", 2},
    {DType::kHalf, "half", "DT_HALF", 2},
    {DType::kVariant, "variant", "DT_VARIANT", 0, false},
    {DType::kUint32, "uint32", "DT_UINT32", 4},
    {DType::kUint64, "uint64", "DT_UINT64", 8},
    {DType::kComplex64, "complex64", "DT_COMPLEX64", 8, false},
    {DType::kComplex128, "complex128", "DT_COMPLEX128", 16, false},
    {DType::kQint8, "qint8", "DT_QINT8", 1, false},
    {DType::kQuint8, "quint8", "DT_QUINT8", 1, false},
    {DType::kQint16, "qint16", "DT_QINT16", 2, false},
    {DType::kQuint16, "quint16", "DT_QUINT16", 2, false},
    {DType::kQint32, "qint32", "DT_QINT32", 4, false},
    {DType::kResource, "resource", "DT_RESOURCE", 0, false},
    {DType::kFloat8E5m2, "float8_e5m2", "DT_FLOAT8_E5M2", 1, false},
    {DType::kFloat8E4m3fn, "float8_e4m3fn", "DT_FLOAT8_E4M3FN", 1, false},
}};

const DTypeInfo* find_info(DType dtype) {
  for (const auto& info : kDTypes) {
    if (info.dtype == dtype) return &info;
  }
  return nullptr;
}

}  // namespace

bool is_known_dtype(int value) { return find_info(static_cast<DType>(value)) != nullptr; }

bool has_math(DType dtype) {
  const DTypeInfo* info = find_info(dtype);
  return info != nullptr && info->math;
}

bool has_values(DType dtype) { return dtype == DType::kString || dtype_size(dtype) != 0; }

std::string_view dtype_name(DType dtype) {
  const DTypeInfo* info = find_info(dtype);
  return info ? info->name : "invalid";
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (info.name == name || info.tf_enum == name) return info.dtype;
  }
  if (name == "float16") return DType::kHalf;
  if (name == "float") return DType::kFloat32;
  if (name == "double") return DType::kFloat64;
  return std::nullopt;
}

size_t dtype_size(DType dtype) {
  const DTypeInfo* info = find_info(dtype);
  return info ? info->size : 0;
}

}  // namespace cairn
