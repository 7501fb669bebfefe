// BundleReader: reads TensorFlow V2 checkpoints (tensor bundles), whether
// written by TensorFlow 1.x, TensorFlow 2.x or cairn.
//
//   CAIRN_ASSIGN_OR_RETURN(auto reader,
//       cairn::BundleReader::open(fs, "models/iris/model.ckpt-200"));
//   for (const cairn::BundleEntry& e : reader->entries()) { ... }   // sorted
//   CAIRN_ASSIGN_OR_RETURN(cairn::Tensor w, reader->read("dnn/logits/kernel"));
//
// A restore fills its variables in one call, each byte read once:
//   std::vector<cairn::BundleReadTarget> targets = {{reader->find("w"), &w}, ...};
//   CAIRN_RETURN_IF_ERROR(reader->read_many_into(targets));
//
// open() reads and checks only the index; reads fetch tensors from the data
// shards, copying the bytes into the tensor and computing their crc32c in the
// same pass: from the page cache straight into the tensor on every core
// (near memcpy speed), from the disk around the page cache when a restore
// walks the shard, and from a memory mapping for a lone tensor (a lazy
// restore costs what it reads). Corrupt,
// truncated or missing files give DATA_LOSS / NOT_FOUND errors whose message
// names the file and the tensor; nothing is allocated beyond what the file
// holds. A TensorFlow V1 checkpoint is refused with an error that says so.
// Reads are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/file_system.h"

namespace cairn {

// One target of read_many_into: an entry of this bundle and the tensor
// (of the entry's dtype and shape) to fill.
struct BundleReadTarget {
  const BundleEntry* entry;
  Tensor* dest;
};

class BundleReader {
 public:
  using BundleReadTarget = ::cairn::BundleReadTarget;  // either spelling works
  // `fs` is borrowed and must outlive the reader.
  static Result<std::unique_ptr<BundleReader>> open(FileSystem& fs, std::string prefix);
  ~BundleReader();
  BundleReader(const BundleReader&) = delete;
  BundleReader& operator=(const BundleReader&) = delete;

  const std::string& prefix() const;
  int num_shards() const;

  // Every tensor in the index, sorted by name.
  const std::vector<BundleEntry>& entries() const;
  // nullptr when `name` is not in the index.
  const BundleEntry* find(std::string_view name) const;

  // Reads and checks one tensor. NOT_FOUND for an unknown name;
  // UNIMPLEMENTED for variant and sliced tensors (use read_raw).
  Result<Tensor> read(std::string_view name) const;
  // The same into an existing tensor of the entry's dtype and shape
  // (INVALID_ARGUMENT naming both otherwise): a model restoring its variables
  // reuses their memory, which costs no allocation and no fresh pages. On a
  // checksum or read error, *dest holds unspecified values.
  Status read_into(std::string_view name, Tensor* dest) const;

  // Reads every target, each byte once, its crc32c computed as it is copied
  // into dest; the first failure (in target order) is returned, naming the
  // file and tensor. On failure the destinations hold unspecified values.
  // Entries must come from this reader (entries() or find()); a target of
  // another dtype or shape is INVALID_ARGUMENT as in read_into().
  Status read_many_into(std::span<const BundleReadTarget> targets) const;

  // The tensor's bytes exactly as stored in its shard, crc-checked. Works for
  // every dtype, including variant.
  Result<std::string> read_raw(std::string_view name) const;

  // Reads every tensor once, checking every crc; the first failure is
  // returned. `checked`, when given, is called with each tensor's stored size
  // once its bytes passed (a progress display counts them).
  Status verify_all(const std::function<void(uint64_t bytes)>& checked = {}) const;

 private:
  // find(), or nullptr with `*missing` set to a NOT_FOUND naming the bundle.
  const BundleEntry* find_or(std::string_view name, Status* missing) const;
  // Why `dest` cannot receive entry `e`, or ok.
  Status check_target(const BundleEntry& e, const Tensor& dest) const;
  // Copies fixed-width targets and checks their crcs: one status per target.
  std::vector<Status> copy_checked(std::span<const BundleReadTarget> targets) const;

  struct Impl;
  explicit BundleReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn
