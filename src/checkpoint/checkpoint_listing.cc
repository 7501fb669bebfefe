#include "cairn/checkpoint/checkpoint_listing.h"

#include <algorithm>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/tensor_bundle.h"

namespace cairn {
namespace {

// The checkpoint the state file calls newest, or "" when there is no
// readable state file.
std::string state_file_newest(const std::string& dir, FileSystem& fs) {
  try {
    return get_checkpoint_state(dir, fs).model_checkpoint_path;
  } catch (const Error&) {
    return "";
  }
}

CheckpointStatus status_of(const CheckpointHealth& health) {
  if (health.ok) return CheckpointStatus::kOk;
  return health.orphan ? CheckpointStatus::kOrphan : CheckpointStatus::kDamaged;
}

std::optional<double> index_written(const std::string& prefix, FileSystem& fs) {
  Result<double> time = fs.modification_time(bundle_index_path(prefix));
  if (!time.ok()) return std::nullopt;
  return *time;
}

CheckpointListing listing_of(CheckpointHealth health, const std::string& newest, FileSystem& fs) {
  return {.prefix = health.prefix,
          .step = checkpoint_step(health.prefix),
          .written = index_written(health.prefix, fs),
          .bytes = health.bytes,
          .shards = health.shards,
          .status = status_of(health),
          .problem = std::move(health.problem),
          .newest = !newest.empty() && health.prefix == newest};
}

}  // namespace

std::string_view checkpoint_status_name(CheckpointStatus status) {
  switch (status) {
    case CheckpointStatus::kOk:
      return "ok";
    case CheckpointStatus::kDamaged:
      return "DAMAGED";
    case CheckpointStatus::kOrphan:
      return "orphan";
  }
  return "unknown";
}

std::vector<CheckpointListing> list_checkpoints(const std::string& dir, FileSystem& fs,
                                                Progress* progress) {
  if (!fs.is_directory(dir)) throw NotFoundError("no such directory: " + dir);
  const std::string newest = state_file_newest(dir, fs);
  std::vector<CheckpointListing> out;
  for (CheckpointHealth& health : verify_directory(dir, fs, progress)) {
    out.push_back(listing_of(std::move(health), newest, fs));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.step.value_or(-1) > b.step.value_or(-1);
  });
  return out;
}

}  // namespace cairn
