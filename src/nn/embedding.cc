#include "cairn/nn/embedding.h"

#include <cmath>

#include "cairn/core/errors.h"

namespace cairn::nn {

void embedding_lookup(const Eigen::Ref<const Matrix>& table, const Matrix& ids, Matrix& out,
                      const std::string& layer) {
  const Eigen::Index dim = table.cols(), rows = table.rows();
  resize_with_huge_pages(out, ids.rows(), ids.cols() * dim);
  for (Eigen::Index b = 0; b < ids.rows(); ++b) {
    for (Eigen::Index i = 0; i < ids.cols(); ++i) {
      const float id = ids(b, i);
      if (!(id >= 0.0f && id < static_cast<float>(rows)) || std::floor(id) != id) {
        throw InvalidArgumentError("layer '" + layer + "' (Embedding): input [" +
                                   std::to_string(b) + ", " + std::to_string(i) +
                                   "] = " + std::to_string(id) + " is not an id in [0, " +
                                   std::to_string(rows) + ")");
      }
      out.row(b).segment(i * dim, dim) = table.row(static_cast<Eigen::Index>(id));
    }
  }
}

void embedding_gradient(const Matrix& ids, const Matrix& dy, Eigen::Ref<Matrix> d_table) {
  const Eigen::Index dim = d_table.cols();
  d_table.setZero();
  for (Eigen::Index b = 0; b < ids.rows(); ++b) {
    for (Eigen::Index i = 0; i < ids.cols(); ++i) {
      d_table.row(static_cast<Eigen::Index>(ids(b, i))) += dy.row(b).segment(i * dim, dim);
    }
  }
}

}  // namespace cairn::nn
