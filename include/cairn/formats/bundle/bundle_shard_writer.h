// BundleShardWriter: one data shard of an N-shard tensor bundle, written by
// whoever holds its tensors (a rank of a job that saves in parallel), and
// commit_bundle_shards, which puts every shard in place under one merged
// .index. BundleWriter is the same two steps in one process.
//
//   // on every rank r of n:
//   CAIRN_ASSIGN_OR_RETURN(auto shard,
//       cairn::BundleShardWriter::create(fs, "models/iris/model.ckpt-200", r, n));
//   CAIRN_RETURN_IF_ERROR(shard->add("dnn/logits/bias", bias));
//   CAIRN_ASSIGN_OR_RETURN(cairn::WrittenShard written, shard->finish());  // synced
//   std::string bytes = written.serialize();   // gathered at rank 0
//   // on rank 0, with every rank's shard:
//   CAIRN_RETURN_IF_ERROR(cairn::commit_bundle_shards(fs, prefix, shards));
//
// A shard is written under a temporary name (io/temporary_names.h) and
// stays there after finish(): only commit_bundle_shards gives it its final
// name, data files first and the index last (bundle_commit.cc), so a bundle
// never appears before every shard is durable.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn {

// A finished data shard still under its temporary name, and the index
// entries of its tensors: what the .index needs from it.
struct WrittenShard {
  int shard_id = 0;
  int num_shards = 1;
  std::string temp_path;  // where the synced bytes are now
  // (tensor name, serialized BundleEntryProto), sorted by name.
  std::vector<std::pair<std::string, std::string>> entries;

  // Bytes to send to another process; parse() reads them back (DATA_LOSS
  // naming `from` when they are not a shard's description).
  std::string serialize() const;
  static Result<WrittenShard> parse(std::string_view bytes, const std::string& from);
};

class BundleShardWriter {
 public:
  // Prepares shard `shard_id` of `num_shards` of the bundle `prefix` (its
  // directory must exist). `fs` is borrowed and must outlive the writer.
  static Result<std::unique_ptr<BundleShardWriter>> create(FileSystem& fs, std::string prefix,
                                                           int shard_id, int num_shards,
                                                           bool sync = true);
  ~BundleShardWriter();
  BundleShardWriter(const BundleShardWriter&) = delete;
  BundleShardWriter& operator=(const BundleShardWriter&) = delete;

  // Appends `tensor` under `name` (non-empty, not added to this shard before),
  // computing its crc32c as it is written. An error sticks.
  Status add(std::string_view name, const Tensor& tensor);
  // Bytes appended so far.
  uint64_t size() const;
  // Syncs (when asked) and closes the shard; the temporary file is then the
  // caller's: commit_bundle_shards() renames it, discard_shard() removes it.
  // Without a successful finish(), the destructor removes it.
  Result<WrittenShard> finish();

 private:
  struct Impl;
  explicit BundleShardWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes the merged .index of `shards` (one per shard id 0..N-1, any order:
// entries sorted by name, a header with num_shards, as TensorFlow writes it)
// and renames every data file, then the index, into place. A tensor in two
// shards or a missing shard is INVALID_ARGUMENT. On failure every temporary
// of `shards` is removed and an earlier bundle at `prefix` is kept.
Status commit_bundle_shards(FileSystem& fs, const std::string& prefix,
                            std::span<const WrittenShard> shards, bool sync = true);

// Removes a finished shard's temporary (a save that will not commit).
void discard_shard(FileSystem& fs, const WrittenShard& shard);

// Which shard writes each of tensors of `bytes` bytes: the largest first, each
// to the shard holding the fewest bytes so far (lowest id on ties), so the
// shards are balanced by bytes. The same inputs give the same assignment on
// every process.
std::vector<int> assign_shards_by_bytes(std::span<const uint64_t> bytes, int num_shards);

// The bytes `tensor` takes in a data shard (string tensors: their elements
// and a length each, near enough to balance shards).
uint64_t stored_size_estimate(const Tensor& tensor);

}  // namespace cairn
