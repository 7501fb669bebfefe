// Matching a restore plan against what a source holds (restore.h's step 2),
// shared by the checkpoint restore and the restore from tensors in memory
// (restore_tensors.h), so both report a mismatch the same way. Internal.
//
//   internal::PlanMatch m = internal::match_plan(plan, stored);
//   if (!m.report.ok()) throw InvalidArgumentError(m.report.message(prefix));
//   for (auto [target, entry] : m.matched) copy(stored[entry], plan.targets[target]);
#pragma once

#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/checkpoint/restore.h"

namespace cairn::internal {

// One tensor a source holds, as the plan sees it (no bytes).
struct StoredTensor {
  std::string_view name;  // borrowed from the source, which outlives the match
  DType dtype = DType::kInvalid;
  TensorShape shape;
};

struct PlanMatch {
  RestoreReport report;
  // (index in plan.targets, index in `stored`) for each target found with its
  // dtype and shape; only meaningful when report.ok().
  std::vector<std::pair<size_t, size_t>> matched;
};

// Each target takes the first of its keys that `stored` has; targets found
// with another dtype or shape are mismatched, required ones found under no
// key missing, and stored tensors no target took unused (extra too when
// plan.unused_is_error says so).
PlanMatch match_plan(const RestorePlan& plan, std::span<const StoredTensor> stored);

}  // namespace cairn::internal
