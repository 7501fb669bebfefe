// The restore path (restore.h) for tensors a front end has already read
// whole, from a file that is not a TensorFlow checkpoint (Keras 3's
// .weights.h5, a .keras archive): the same plan, the same matching, the same
// report when the model and the file differ.
//
//   cairn::RestorePlan plan = ...;   // targets keyed "layers/dense/vars/0", ...
//   cairn::restore_from_tensors("model.weights.h5", {{"layers/dense/vars/0", &kernel}}, plan);
#pragma once

#include <string>

#include "cairn/checkpoint/restore.h"
#include "cairn/checkpoint/save_variables.h"

namespace cairn {

// Matches `plan` against `stored` (named tensors, borrowed for the call).
// A report that is not ok throws InvalidArgumentError (plan.describe's
// message, or RestoreReport::message, about `source`) before any target
// changes; otherwise every matched target is assigned its stored tensor.
void restore_from_tensors(const std::string& source, const NamedTensorRefs& stored,
                          const RestorePlan& plan);

}  // namespace cairn
