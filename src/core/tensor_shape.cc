#include "cairn/core/tensor_shape.h"

#include <span>

#include "cairn/core/strings.h"

namespace cairn {
namespace {

// Dimensions to_string() prints of a shape whose rank exceeds kMaxRank.
constexpr size_t kDimsShownOfInvalidRank = 8;

}  // namespace

int64_t TensorShape::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims_) n *= d;
  return n;
}

int64_t TensorShape::checked_num_elements(int64_t limit) const {
  if (rank() > kMaxRank) return -1;
  bool has_zero = false;
  for (int64_t d : dims_) {
    if (d < 0) return -1;
    has_zero = has_zero || d == 0;
  }
  if (has_zero) return 0;
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (n > limit / d) return -1;
    n *= d;
  }
  return n;
}

std::string TensorShape::to_string() const {
  const bool elided = rank() > kMaxRank;
  const size_t shown = elided ? kDimsShownOfInvalidRank : dims_.size();
  const std::string s = "[" + join(std::span(dims_).first(shown), ", ");
  if (!elided) return s + "]";
  return s + ", ...] (rank " + std::to_string(rank()) + ")";
}

}  // namespace cairn
