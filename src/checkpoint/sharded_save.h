// Internal to src/checkpoint: the part of a save every rank of a group does.
// Each rank writes its share of the variables as one data shard of the
// bundle; the ranks then confirm together that every shard is durable and
// gather their shards' index entries, which rank 0 commits
// (commit_bundle_shards). CheckpointManager::save is built on it; with one
// rank it writes exactly what BundleWriter writes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/process_group.h"
#include "cairn/formats/bundle/bundle_shard_writer.h"

namespace cairn::internal {

// The indices of `tensors` that rank `rank` of `size` writes: balanced by
// bytes (assign_shards_by_bytes), each tensor by exactly one rank, in the
// order given.
std::vector<size_t> share_of_rank(const NamedTensorRefs& tensors, int rank, int size);

// Every rank calls this with the same `tensors`. Runs `prepare` (e.g. rank
// 0's directory and state file), writes this rank's shard of `prefix` and
// syncs it, then agrees with every rank (collectives named `what`): when any
// rank failed, each removes its temporary and throws the failed rank's
// error on every rank. Returns every rank's shard, on every rank.
std::vector<WrittenShard> write_shards(ProcessGroup& group, FileSystem& fs,
                                       const std::string& prefix, const NamedTensorRefs& tensors,
                                       const std::function<void()>& prepare,
                                       const std::string& what);

}  // namespace cairn::internal
