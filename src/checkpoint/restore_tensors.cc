// Restores a plan from tensors in memory (restore_tensors.h), through the
// matching every restore shares (restore_match.h).
#include "cairn/checkpoint/restore_tensors.h"

#include "cairn/core/errors.h"
#include "checkpoint/restore_match.h"

namespace cairn {

void restore_from_tensors(const std::string& source, const NamedTensorRefs& stored,
                          const RestorePlan& plan) {
  std::vector<internal::StoredTensor> views;
  views.reserve(stored.size());
  for (const auto& [name, value] : stored) views.push_back({name, value->dtype(), value->shape()});
  internal::PlanMatch matched = internal::match_plan(plan, views);
  if (!matched.report.ok()) {
    throw InvalidArgumentError(plan.describe ? plan.describe(matched.report, source)
                                             : matched.report.message(source));
  }
  // Nothing can fail past the match: dtypes and shapes agree, so no rollback is needed.
  for (auto [target, entry] : matched.matched) *plan.targets[target].value = *stored[entry].second;
}

}  // namespace cairn
