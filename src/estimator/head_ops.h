// Internal to the estimator layer: what every head (canned or a model_fn's)
// does with its labels and logits, row by row: labels checked as class ids,
// and the ops predictions are made with (argmax, softmax, sigmoid).
//
//   std::vector<int64_t> ids = class_ids(batch.labels, 3);   // or InvalidArgumentError
//   nn::Matrix probabilities = apply_op(Output::Op::kSoftmax, logits);
#pragma once

#include <cstdint>
#include <vector>

#include "cairn/estimator/model_fn.h"
#include "cairn/nn/matrix.h"

namespace cairn::estimator::internal {

// The class ids in `labels`' one column; InvalidArgumentError naming the row
// for a value that is not an integer in [0, classes) (or a label width other than 1).
std::vector<int64_t> class_ids(const nn::Matrix& labels, int64_t classes);

// `op` applied to each row of `x`: argmax gives class ids as floats in one
// column (for one column: x > 0); softmax of one column is a binary head's
// [1 - sigmoid, sigmoid].
nn::Matrix apply_op(Output::Op op, const nn::Matrix& x);

}  // namespace cairn::estimator::internal
