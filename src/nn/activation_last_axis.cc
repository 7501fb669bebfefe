#include "cairn/nn/activation_last_axis.h"

namespace cairn::nn {

namespace {

// m's values as rows of `channels` (a copy: softmax's rows are short).
Matrix as_groups(const Matrix& m, int64_t channels) {
  return Eigen::Map<const Matrix>(m.data(), m.size() / channels, channels);
}

// Writes groups back into out, shaped like `like`.
void from_groups(const Matrix& groups, const Matrix& like, Matrix& out) {
  resize_with_huge_pages(out, like.rows(), like.cols());
  Eigen::Map<Matrix>(out.data(), groups.rows(), groups.cols()) = groups;
}

bool per_group(Activation a, const Matrix& x, int64_t channels) {
  return a == Activation::kSoftmax && channels != x.cols();
}

}  // namespace

void activate_last_axis(Activation a, const Matrix& x, int64_t channels, Matrix& y) {
  if (!per_group(a, x, channels)) return activate(a, x, y);
  from_groups(activate(a, as_groups(x, channels)), x, y);
}

void activation_backward_last_axis(Activation a, const Matrix& x, const Matrix& y, const Matrix& dy,
                                   int64_t channels, Matrix& dx) {
  if (!per_group(a, x, channels)) return activation_backward(a, x, y, dy, dx);
  const Matrix gx = as_groups(x, channels);
  from_groups(activation_backward(a, gx, as_groups(y, channels), as_groups(dy, channels)), x, dx);
}

}  // namespace cairn::nn
