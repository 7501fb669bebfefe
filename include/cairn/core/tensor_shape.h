// The shape of a tensor: a list of non-negative dimension sizes. A scalar has
// no dimensions; a tensor with any zero dimension has no elements.
//
//   cairn::TensorShape s{4, 10};
//   s.rank();          // 2
//   s.num_elements();  // 40
//   s.to_string();     // "[4, 10]"
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace cairn {

// Most dimensions a shape may have: TensorFlow's limit
// (TensorShape::MaxDimensions()). Shapes read from files or given by users
// with more are refused, so no code walking a tensor's axes can recurse or
// loop past this depth.
inline constexpr int kMaxRank = 254;

class TensorShape {
 public:
  TensorShape() = default;  // a scalar
  TensorShape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit TensorShape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }
  const std::vector<int64_t>& dims() const { return dims_; }

  // Product of the dimensions (1 for a scalar). Only meaningful for a valid
  // shape; see checked_num_elements() for shapes read from files.
  int64_t num_elements() const;

  // Product of the dimensions, or -1 when the rank exceeds kMaxRank, a
  // dimension is negative or the product exceeds `limit`. Safe on shapes
  // decoded from untrusted bytes (see also tensor_size() in tensor_size.h).
  int64_t checked_num_elements(int64_t limit) const;

  // "[4, 10]"; "[]" for a scalar. A shape of more than kMaxRank dimensions
  // (never valid) prints its first eight and its rank, so an error message
  // about it stays short: "[1, 1, 1, 1, 1, 1, 1, 1, ...] (rank 100000)".
  std::string to_string() const;

  friend bool operator==(const TensorShape& a, const TensorShape& b) { return a.dims_ == b.dims_; }

 private:
  std::vector<int64_t> dims_;
};

}  // namespace cairn
