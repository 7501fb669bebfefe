// tf.train.Checkpoint (checkpoint.h): saving the object graph of its
// children, and restoring by matching a saved graph to them.
#include "cairn/checkpoint/checkpoint.h"

#include <algorithm>
#include <set>

#include "cairn/checkpoint/restore.h"
#include "cairn/core/errors.h"
#include "checkpoint/object_graph_walk.h"

namespace cairn {
namespace {

constexpr const char* kSaveCounter = "save_counter";

// The checkpoint's object graph, read while planning the restore.
ObjectGraph read_object_graph(const CheckpointReader& reader) {
  const std::string key(kObjectGraphKey);
  if (!reader.has_tensor(key)) {
    throw InvalidArgumentError("checkpoint " + reader.prefix() + " has no " + key +
                               ": it was written by name (tf.compat.v1.train.Saver, an Estimator), "
                               "not by tf.train.Checkpoint; read it with cairn::CheckpointReader");
  }
  const Tensor bytes = reader.get_tensor(key);
  if (bytes.dtype() != DType::kString || bytes.num_elements() != 1) {
    throw DataLossError("checkpoint " + reader.prefix() + ": " + key + " is not one string (got " +
                        std::string(dtype_name(bytes.dtype())) + " " + bytes.shape().to_string() +
                        ")");
  }
  Result<ObjectGraph> graph = parse_object_graph(bytes.strings()[0]);
  if (!graph.ok())
    throw DataLossError("checkpoint " + reader.prefix() + ": " + graph.status().message());
  return std::move(graph).value();
}

// The status of a restore: `match`'s unmatched keys, with what the bundle
// says of them, and its missing values.
CheckpointLoadStatus load_status(const internal::ObjectGraphMatch& match, Restored& restored) {
  RestoreReport report;
  for (const std::string& key : match.unmatched) {
    const BundleEntry* e = restored.reader ? restored.reader->bundle().find(key) : nullptr;
    report.unused.push_back({key, e ? e->dtype : DType::kInvalid, e ? e->shape : TensorShape()});
  }
  for (const ReportedTensor& m : match.missing) report.missing.push_back({m, {m.name}});
  return CheckpointLoadStatus(restored.prefix, std::move(report), std::move(restored.skipped));
}

}  // namespace

const CheckpointLoadStatus& CheckpointLoadStatus::assert_consumed() const {
  if (!report_.unused.empty() || !report_.missing.empty()) {
    throw FailedPreconditionError(report_.object_graph_message(path_));
  }
  return *this;
}

const CheckpointLoadStatus& CheckpointLoadStatus::assert_existing_objects_matched() const {
  if (!report_.missing.empty()) {
    RestoreReport missing_only;
    missing_only.missing = report_.missing;
    throw FailedPreconditionError(missing_only.object_graph_message(path_));
  }
  return *this;
}

Checkpoint::Checkpoint(Children children) {
  std::stable_sort(children.begin(), children.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::set<std::string> names;
  for (auto& [name, object] : children) {
    if (name.empty() || name == kSaveCounter || !names.insert(name).second) {
      throw InvalidArgumentError("Checkpoint: the name \"" + name + "\" is " +
                                 (name.empty() ? "empty" : "taken") +
                                 "; give each tracked object its own name");
    }
    if (!object.get()) throw InvalidArgumentError("Checkpoint: \"" + name + "\" is null");
    children_.push_back({name, object.get()});
  }
}

std::vector<TrackableChild> Checkpoint::children() {
  std::vector<TrackableChild> out = children_;
  if (save_counter_) out.push_back({kSaveCounter, track_variable(*save_counter_, kSaveCounter)});
  return out;
}

int64_t Checkpoint::save_counter() const {
  return save_counter_ ? save_counter_->flat<int64_t>()[0] : 0;
}

std::string Checkpoint::save_with(const SaveWriter& write) {
  if (!save_counter_) save_counter_ = Tensor::scalar<int64_t>(0);
  int64_t& counter = save_counter_->flat<int64_t>()[0];
  ++counter;
  try {
    internal::ObjectGraphSave contents = internal::save_object_graph(*this);
    return write(counter, contents.tensors);
  } catch (...) {
    --counter;
    throw;
  }
}

std::string Checkpoint::save(const std::string& file_prefix, FileSystem& fs) {
  return save_with([&](int64_t counter, const NamedTensorRefs& tensors) {
    return save_variables(file_prefix + "-" + std::to_string(counter), tensors, {}, fs);
  });
}

std::string Checkpoint::write(const std::string& path, FileSystem& fs) {
  internal::ObjectGraphSave contents = internal::save_object_graph(*this);
  return save_variables(path, contents.tensors, {.update_state_file = false}, fs);
}

CheckpointLoadStatus Checkpoint::restore(const std::string& path, FileSystem& fs) {
  if (!save_counter_) save_counter_ = Tensor::scalar<int64_t>(0);
  internal::ObjectGraphMatch match;
  auto planner = [&](const CheckpointToRestore& c) {
    match = internal::match_object_graph(read_object_graph(c.reader), *this);
    RestorePlan plan;
    plan.targets = match.targets;
    plan.keep_on_failure = true;  // the objects are live: a failed restore leaves them as they were
    return plan;
  };
  Restored restored;
  if (fs.is_directory(path)) {
    std::optional<Restored> newest = restore_newest(path, planner, {}, fs);
    if (!newest) throw NotFoundError("Checkpoint::restore: no checkpoint in directory " + path);
    restored = std::move(*newest);
  } else {
    restored = restore_checkpoint(path, planner, fs);
  }
  for (const TrackablePtr& object : match.matched) object->after_restore();
  return load_status(match, restored);
}

}  // namespace cairn
