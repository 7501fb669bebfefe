#include "estimator/head_ops.h"

#include <cmath>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/nn/losses.h"

namespace cairn::estimator::internal {

std::vector<int64_t> class_ids(const nn::Matrix& labels, int64_t classes) {
  std::vector<int64_t> ids(static_cast<size_t>(labels.rows()));
  for (Eigen::Index r = 0; r < labels.rows(); ++r) {
    const float v = labels.cols() > 0 ? labels(r, 0) : -1.0f;
    const auto id = static_cast<int64_t>(std::lround(v));
    if (labels.cols() != 1 || id < 0 || id >= classes ||
        std::fabs(v - static_cast<float>(id)) > 1e-6f) {
      throw InvalidArgumentError("label " + std::to_string(v) + " in row " + std::to_string(r) +
                                 " is not a class id in [0, " + std::to_string(classes) + ")");
    }
    ids[static_cast<size_t>(r)] = id;
  }
  return ids;
}

nn::Matrix apply_op(Output::Op op, const nn::Matrix& x) {
  switch (op) {
    case Output::Op::kIdentity:
      return x;
    case Output::Op::kSigmoid:
      return x.unaryExpr([](float v) { return 1.0f / (1.0f + std::exp(-v)); });
    case Output::Op::kSoftmax: {
      if (x.cols() != 1) return nn::softmax(x);
      nn::Matrix p(x.rows(), 2);
      p.col(1) = apply_op(Output::Op::kSigmoid, x);
      p.col(0) = 1.0f - p.col(1).array();
      return p;
    }
    case Output::Op::kArgMax: {
      nn::Matrix ids(x.rows(), 1);
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        Eigen::Index best = 0;
        if (x.cols() == 1) {
          best = x(r, 0) > 0 ? 1 : 0;
        } else {
          x.row(r).maxCoeff(&best);
        }
        ids(r, 0) = static_cast<float>(best);
      }
      return ids;
    }
  }
  return x;
}

}  // namespace cairn::estimator::internal
