// How a restore plan meets a source's tensors (restore_match.h).
#include "checkpoint/restore_match.h"

#include <map>

namespace cairn::internal {
namespace {

// The index in `stored` of the first of `keys` it holds, or -1.
int64_t first_stored(const std::map<std::string_view, size_t>& by_name,
                     const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    auto it = by_name.find(key);
    if (it != by_name.end()) return static_cast<int64_t>(it->second);
  }
  return -1;
}

}  // namespace

PlanMatch match_plan(const RestorePlan& plan, std::span<const StoredTensor> stored) {
  std::map<std::string_view, size_t> by_name;
  for (size_t i = 0; i < stored.size(); ++i) by_name.emplace(stored[i].name, i);
  PlanMatch out;
  out.report.config_diffs = plan.config_diffs;
  std::vector<bool> used(stored.size(), false);
  for (size_t t = 0; t < plan.targets.size(); ++t) {
    const RestoreTarget& target = plan.targets[t];
    const ReportedTensor model{target.name, target.value->dtype(), target.value->shape()};
    const int64_t found = first_stored(by_name, target.keys);
    if (found < 0) {
      if (target.required) {
        out.report.missing.push_back({model, {target.keys.empty() ? "" : target.keys[0]}});
      }
      continue;
    }
    const StoredTensor& s = stored[static_cast<size_t>(found)];
    used[static_cast<size_t>(found)] = true;
    if (s.dtype != model.dtype || !(s.shape == model.shape)) {
      out.report.mismatched.push_back({model, {std::string(s.name), s.dtype, s.shape}});
      continue;
    }
    out.matched.emplace_back(t, static_cast<size_t>(found));
  }
  for (size_t i = 0; i < stored.size(); ++i) {
    if (used[i]) continue;
    const std::string name(stored[i].name);
    out.report.unused.push_back({name, stored[i].dtype, stored[i].shape});
    if (plan.unused_is_error && plan.unused_is_error(name)) {
      out.report.extra.push_back(out.report.unused.back());
    }
  }
  return out;
}

}  // namespace cairn::internal
