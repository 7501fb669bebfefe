#include "cairn/core/tensor.h"

#include <cstdlib>
#include <new>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/core/huge_pages.h"
#include "cairn/core/tensor_size.h"

namespace cairn {

void Tensor::AlignedFree::operator()(std::byte* p) const { std::free(p); }

Tensor::Tensor() : Tensor(DType::kFloat32, TensorShape{0}) {}

Tensor::Tensor(DType dtype, TensorShape shape) : Tensor(dtype, std::move(shape), Fill::kZero) {}

Tensor::Tensor(DType dtype, TensorShape shape, Fill fill)
    : dtype_(dtype), shape_(std::move(shape)) {
  assert(dtype != DType::kInvalid && dtype != DType::kVariant);
  num_elements_ = value_or_throw(tensor_size(dtype_, shape_)).elements;
  allocate(fill);
}

Tensor Tensor::uninitialized(DType dtype, TensorShape shape) {
  return Tensor(dtype, std::move(shape), Fill::kNone);
}

Tensor::Tensor(const Tensor& other)
    : dtype_(other.dtype_), shape_(other.shape_), num_elements_(other.num_elements_) {
  allocate(Fill::kNone);
  if (byte_size_) std::memcpy(data(), other.data(), byte_size_);
  strings_ = other.strings_;
}

Tensor& Tensor::operator=(const Tensor& other) {
  if (this != &other) *this = Tensor(other);
  return *this;
}

void Tensor::throw_allocation_failure(int64_t bytes) const {
  throw ResourceExhaustedError("cannot allocate " + std::to_string(bytes) + " bytes for a " +
                               std::string(dtype_name(dtype_)) + " tensor of shape " +
                               shape_.to_string());
}

void Tensor::allocate(Fill fill) {
  if (dtype_ == DType::kString) {
    try {
      strings_.assign(static_cast<size_t>(num_elements_), std::string());
    } catch (const std::bad_alloc&) {
      throw_allocation_failure(static_cast<int64_t>(sizeof(std::string)) * num_elements_);
    }
    byte_size_ = 0;
    return;
  }
  // num_elements_ passed tensor_size(): this product cannot overflow.
  byte_size_ = static_cast<size_t>(num_elements_) * dtype_size(dtype_);
  // Large buffers start on a 2 MiB boundary and ask for transparent huge
  // pages, which spares the TLB misses of a GEMM streaming a 64 MiB kernel.
  const size_t alignment = byte_size_ >= kHugePageMinBytes ? kHugePageBytes : kAlignment;
  // aligned_alloc needs a size that is a multiple of the alignment.
  size_t padded = (byte_size_ + alignment - 1) / alignment * alignment;
  if (padded == 0) padded = alignment;
  void* p = std::aligned_alloc(alignment, padded);
  if (p == nullptr) throw_allocation_failure(static_cast<int64_t>(padded));
  if (alignment == kHugePageBytes) advise_huge_pages(p, padded);
  if (fill == Fill::kZero) {
    std::memset(p, 0, padded);
  } else if (padded > byte_size_) {
    std::memset(static_cast<char*>(p) + byte_size_, 0, padded - byte_size_);  // the tail only
  }
  buffer_.reset(static_cast<std::byte*>(p));
}

Tensor Tensor::from_strings(std::vector<std::string> values, TensorShape shape) {
  Tensor t(DType::kString, std::move(shape));
  assert(static_cast<int64_t>(values.size()) == t.num_elements());
  t.strings_ = std::move(values);
  return t;
}

double Tensor::element_as_double(int64_t i) const {
  const auto at = static_cast<size_t>(i);
  switch (dtype_) {
    case DType::kFloat32:
      return flat<float>()[at];
    case DType::kFloat64:
      return flat<double>()[at];
    case DType::kInt32:
      return flat<int32_t>()[at];
    case DType::kUint8:
      return flat<uint8_t>()[at];
    case DType::kInt16:
      return flat<int16_t>()[at];
    case DType::kInt8:
      return flat<int8_t>()[at];
    case DType::kInt64:
      return static_cast<double>(flat<int64_t>()[at]);
    case DType::kBool:
      return flat<bool>()[at] ? 1.0 : 0.0;
    case DType::kBfloat16:
      return flat<bfloat16>()[at].to_float();
    case DType::kUint16:
      return flat<uint16_t>()[at];
    case DType::kHalf:
      return flat<half>()[at].to_float();
    case DType::kUint32:
      return flat<uint32_t>()[at];
    case DType::kUint64:
      return static_cast<double>(flat<uint64_t>()[at]);
    default:
      return 0.0;
  }
}

bool operator==(const Tensor& a, const Tensor& b) {
  if (a.dtype_ != b.dtype_ || !(a.shape_ == b.shape_)) return false;
  if (a.dtype_ == DType::kString) return a.strings_ == b.strings_;
  return a.byte_size_ == 0 || std::memcmp(a.data(), b.data(), a.byte_size_) == 0;
}

}  // namespace cairn
