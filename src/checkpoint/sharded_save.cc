// Every rank's part of a save (sharded_save.h).
#include "checkpoint/sharded_save.h"

#include <optional>

#include "cairn/core/errors.h"

namespace cairn::internal {
namespace {

WrittenShard write_my_shard(ProcessGroup& group, FileSystem& fs, const std::string& prefix,
                            const NamedTensorRefs& tensors) {
  throw_if_error(fs.create_directories(dirname(prefix)));
  auto writer = value_or_throw(BundleShardWriter::create(fs, prefix, group.rank(), group.size()));
  for (size_t i : share_of_rank(tensors, group.rank(), group.size())) {
    throw_if_error(writer->add(tensors[i].first, *tensors[i].second));
  }
  return value_or_throw(writer->finish());
}

// Every rank's shard from the bytes each sent.
std::vector<WrittenShard> parse_all(const std::vector<std::string>& sent, const std::string& what) {
  std::vector<WrittenShard> shards;
  for (size_t r = 0; r < sent.size(); ++r) {
    shards.push_back(value_or_throw(
        WrittenShard::parse(sent[r], what + ": the shard of rank " + std::to_string(r))));
  }
  return shards;
}

}  // namespace

std::vector<size_t> share_of_rank(const NamedTensorRefs& tensors, int rank, int size) {
  std::vector<uint64_t> bytes;
  bytes.reserve(tensors.size());
  for (const auto& named : tensors) bytes.push_back(stored_size_estimate(*named.second));
  const std::vector<int> shard_of = assign_shards_by_bytes(bytes, size);
  std::vector<size_t> mine;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (shard_of[i] == rank) mine.push_back(i);
  }
  return mine;
}

std::vector<WrittenShard> write_shards(ProcessGroup& group, FileSystem& fs,
                                       const std::string& prefix, const NamedTensorRefs& tensors,
                                       const std::function<void()>& prepare,
                                       const std::string& what) {
  std::optional<WrittenShard> mine;
  try {
    run_and_agree(
        group,
        [&] {
          if (prepare) prepare();
          mine = write_my_shard(group, fs, prefix, tensors);
        },
        what);
    return parse_all(group.all_gather(mine->serialize(), what), what);
  } catch (...) {
    // Nothing will commit this save: its shard is garbage (another rank's,
    // or the gather's, failure). A rank that dies leaves its temporary to
    // the next trainer's collection (stale_temporaries.h).
    if (mine) discard_shard(fs, *mine);
    throw;
  }
}

}  // namespace cairn::internal
