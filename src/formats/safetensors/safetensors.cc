#include "cairn/formats/safetensors/safetensors.h"

#include <array>
#include <utility>

namespace cairn {
namespace {

// Every dtype both TensorFlow and safetensors name (TF's float8_e4m3fn is
// the reference's F8_E4M3, as torch.float8_e4m3fn is).
constexpr std::array<std::pair<DType, std::string_view>, 15> kNames = {{
    {DType::kBool, "BOOL"},
    {DType::kUint8, "U8"},
    {DType::kInt8, "I8"},
    {DType::kFloat8E5m2, "F8_E5M2"},
    {DType::kFloat8E4m3fn, "F8_E4M3"},
    {DType::kInt16, "I16"},
    {DType::kUint16, "U16"},
    {DType::kHalf, "F16"},
    {DType::kBfloat16, "BF16"},
    {DType::kInt32, "I32"},
    {DType::kUint32, "U32"},
    {DType::kFloat32, "F32"},
    {DType::kFloat64, "F64"},
    {DType::kInt64, "I64"},
    {DType::kUint64, "U64"},
}};

}  // namespace

std::optional<std::string_view> safetensors_dtype_name(DType dtype) {
  for (const auto& [d, name] : kNames) {
    if (d == dtype) return name;
  }
  return std::nullopt;
}

std::optional<DType> dtype_from_safetensors(std::string_view name) {
  for (const auto& [d, n] : kNames) {
    if (n == name) return d;
  }
  return std::nullopt;
}

}  // namespace cairn
