// Internal to serving: a row-major Eigen matrix, the layout of a tensor's
// last two axes, for mapping a tensor's buffer into Eigen's products.
//
//   Eigen::Map<const RowMajorMatrix<float>> x(t.flat<float>().data(), rows, cols);
#pragma once

#include <Eigen/Core>

namespace cairn::serving::internal {

template <typename T>
using RowMajorMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace cairn::serving::internal
