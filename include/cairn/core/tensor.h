// Tensor: an owning, typed, n-dimensional array, the unit that checkpoints
// save and restore.
//
// Fixed-width elements live in one 64-byte-aligned buffer in row-major order
// (the byte layout TensorFlow writes to .data files on little-endian hosts).
// String tensors hold one std::string per element. Copies are deep; moves
// are cheap.
//
//   cairn::Tensor w(cairn::DType::kFloat32, {4, 10});   // zero-filled
//   w.flat<float>()[0] = 0.5f;
//   auto b = cairn::Tensor::from_vector<float>({0.1f, 0.2f, 0.3f}, {3});
//   auto step = cairn::Tensor::scalar<int64_t>(200);
//   auto names = cairn::Tensor::from_strings({"setosa", "virginica"}, {2});
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cairn/core/dtype.h"
#include "cairn/core/tensor_shape.h"

namespace cairn {

class Tensor {
 public:
  // Alignment of the element buffer, enough for any SIMD load.
  static constexpr size_t kAlignment = 64;

  // An empty float32 tensor of shape [0].
  Tensor();
  // A tensor of `dtype` and `shape` with every element zero (or "" for
  // strings). `dtype` must not be kInvalid or kVariant. Throws
  // InvalidArgumentError naming the shape for a negative dimension or a rank
  // over kMaxRank, and ResourceExhaustedError when its size overflows,
  // exceeds kMaxTensorBytes or cannot be allocated (tensor_size.h): a
  // wrapped size is never allocated.
  Tensor(DType dtype, TensorShape shape);

  // Like Tensor(dtype, shape), but a numeric tensor's bytes are left
  // unwritten: for callers that fill every byte at once (file readers), so
  // large buffers are touched only once.
  static Tensor uninitialized(DType dtype, TensorShape shape);

  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  ~Tensor() = default;

  template <typename T>
  static Tensor scalar(T value) {
    Tensor t(dtype_of<T>(), TensorShape{});
    t.flat<T>()[0] = value;
    return t;
  }

  // `values.size()` must equal `shape.num_elements()`.
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, TensorShape shape) {
    Tensor t(dtype_of<T>(), std::move(shape));
    assert(static_cast<int64_t>(values.size()) == t.num_elements());
    if constexpr (std::is_same_v<T, bool>) {
      for (size_t i = 0; i < values.size(); ++i) t.flat<bool>()[i] = values[i];
    } else if (!values.empty()) {
      std::memcpy(t.data(), values.data(), values.size() * sizeof(T));
    }
    return t;
  }

  static Tensor from_strings(std::vector<std::string> values, TensorShape shape);

  DType dtype() const { return dtype_; }
  const TensorShape& shape() const { return shape_; }
  int64_t num_elements() const { return num_elements_; }

  // Bytes of the element buffer (0 for string tensors).
  size_t byte_size() const { return byte_size_; }

  // Typed view of the elements; T must match dtype().
  template <typename T>
  std::span<T> flat() {
    assert(dtype_of<T>() == dtype_);
    return {reinterpret_cast<T*>(data()), static_cast<size_t>(num_elements_)};
  }
  template <typename T>
  std::span<const T> flat() const {
    assert(dtype_of<T>() == dtype_);
    return {reinterpret_cast<const T*>(data()), static_cast<size_t>(num_elements_)};
  }

  // Raw element bytes of a fixed-width tensor, valid while the tensor lives.
  std::byte* data() { return buffer_.get(); }
  const std::byte* data() const { return buffer_.get(); }
  std::span<const std::byte> bytes() const { return {data(), byte_size_}; }

  // Elements of a string tensor.
  std::vector<std::string>& strings() { return strings_; }
  const std::vector<std::string>& strings() const { return strings_; }

  // Element `i` converted to double (numeric and bool dtypes only).
  double element_as_double(int64_t i) const;

  // Same dtype, same shape, same bytes (or strings).
  friend bool operator==(const Tensor& a, const Tensor& b);

 private:
  struct AlignedFree {
    void operator()(std::byte* p) const;
  };
  enum class Fill { kZero, kNone };
  Tensor(DType dtype, TensorShape shape, Fill fill);
  void allocate(Fill fill);
  [[noreturn]] void throw_allocation_failure(int64_t bytes) const;

  DType dtype_ = DType::kFloat32;
  TensorShape shape_;
  int64_t num_elements_ = 0;
  size_t byte_size_ = 0;
  std::unique_ptr<std::byte[], AlignedFree> buffer_;
  std::vector<std::string> strings_;
};

}  // namespace cairn
