// The data shards of a tensor bundle as BundleReader reads them
// (bundle_shards.h): mappings, read-ahead, and direct-I/O cold restores.
#include "formats/bundle/bundle_shards.h"

#include <algorithm>
#include <cstring>

#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/crc32c.h"

namespace cairn::internal {
namespace {

// Copies `from` into `to` a slice at a time and returns the crc32c of the
// bytes, computed on each slice while it is still in the CPU cache: one pass
// over memory instead of two.
uint32_t copy_with_crc(std::string_view from, char* to) {
  constexpr size_t kSlice = 256 * 1024;
  uint32_t crc = 0;
  for (size_t at = 0; at < from.size(); at += kSlice) {
    const size_t n = std::min(kSlice, from.size() - at);
    std::memcpy(to + at, from.data() + at, n);
    crc = crc32c::extend(crc, to + at, n);
  }
  return crc;
}

}  // namespace

template <typename File, typename Open>
Result<File*> BundleShards::open_once(std::unique_ptr<File>& slot, int shard_id,
                                      const std::string& tensor, Open open) const {
  if (!slot) {
    const std::string path = bundle_data_path(prefix_, shard_id, num_shards_);
    auto opened = open(path);
    if (!opened.ok()) {
      return Status(opened.status().code(),
                    "tensor '" + tensor + "' is stored in " + path +
                        ", which cannot be read: " + opened.status().message());
    }
    slot = std::move(*opened);
  }
  return slot.get();
}

void BundleShards::resize(int num_shards) {
  num_shards_ = num_shards;
  mapped_.resize(static_cast<size_t>(num_shards));
  uncached_.resize(static_cast<size_t>(num_shards));
  read_ahead_.resize(static_cast<size_t>(num_shards));
}

Result<const MappedFile*> BundleShards::shard(int shard_id, const std::string& tensor) const {
  std::lock_guard<std::mutex> lock(mu_);
  CAIRN_ASSIGN_OR_RETURN(MappedFile * file,
                         open_once(mapped_[static_cast<size_t>(shard_id)], shard_id, tensor,
                                   [this](const std::string& path) { return fs_.map_file(path); }));
  return file;
}

Result<std::string_view> BundleShards::mapped_bytes(const BundleEntry& e,
                                                    std::string* where) const {
  if (e.is_sliced) {
    return unimplemented_error("tensor '" + e.name + "' in " + prefix_ +
                               " is a partitioned (sliced) variable, which cairn does not read");
  }
  CAIRN_ASSIGN_OR_RETURN(const MappedFile* file, shard(e.shard_id, e.name));
  *where = bundle_data_path(prefix_, e.shard_id, num_shards_) + ": tensor '" + e.name + "'";
  const std::string_view data = file->data();
  if (e.offset > data.size() || e.size > data.size() - e.offset) {
    return data_loss_error(*where + ": the index places it at bytes [" + std::to_string(e.offset) +
                           ", " + std::to_string(e.offset + e.size) + "), but the file holds " +
                           std::to_string(data.size()) + " bytes (truncated data file?)");
  }
  return data.substr(static_cast<size_t>(e.offset), static_cast<size_t>(e.size));
}

Result<std::string_view> BundleShards::stored_bytes(const BundleEntry& e,
                                                    std::string* where) const {
  CAIRN_ASSIGN_OR_RETURN(std::string_view stored, mapped_bytes(e, where));
  CAIRN_ASSIGN_OR_RETURN(const MappedFile* file, shard(e.shard_id, e.name));
  read_ahead_for(*file, e, note_read(e));
  return stored;
}

Result<RandomAccessFile*> BundleShards::uncached_file(int shard_id,
                                                      const std::string& tensor) const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_once(uncached_[static_cast<size_t>(shard_id)], shard_id, tensor,
                   [this](const std::string& path) { return fs_.new_uncached_file(path); });
}

bool BundleShards::note_read(const BundleEntry& e) const {
  std::lock_guard<std::mutex> lock(mu_);
  ReadAhead& state = read_ahead_[static_cast<size_t>(e.shard_id)];
  const bool in_order = state.last_end != 0 && e.offset == state.last_end;
  state.last_end = e.offset + e.size;
  return in_order;
}

void BundleShards::read_ahead_for(const MappedFile& file, const BundleEntry& e,
                                  bool in_order) const {
  std::lock_guard<std::mutex> lock(mu_);
  ReadAhead& state = read_ahead_[static_cast<size_t>(e.shard_id)];
  const uint64_t end = e.offset + e.size;
  if (in_order && end <= state.advised_until) return;  // inside the window asked for
  if (!in_order || e.size >= kReadAheadWindow) {
    file.will_need(e.offset, e.size);
    state.advised_until = end;
    return;
  }
  const uint64_t from = std::max(e.offset, state.advised_until);
  const uint64_t until = std::max(end, e.offset + kReadAheadWindow);
  file.will_need(from, until - from);
  state.advised_until = until;
}

Result<uint32_t> BundleShards::copy_stored(const BundleEntry& e, char* to,
                                           std::string* where) const {
  CAIRN_ASSIGN_OR_RETURN(std::string_view stored, mapped_bytes(e, where));
  CAIRN_ASSIGN_OR_RETURN(const MappedFile* file, shard(e.shard_id, e.name));
  const bool in_order = note_read(e);
  const bool walk = in_order || e.size >= kReadAheadWindow;
  if (!walk || file->resident(e.offset, e.size)) {
    read_ahead_for(*file, e, in_order);
    return copy_with_crc(stored, to);
  }
  Result<RandomAccessFile*> uncached = uncached_file(e.shard_id, e.name);
  if (!uncached.ok()) {  // e.g. deleted since it was mapped: the mapping still holds it
    read_ahead_for(*file, e, in_order);
    return copy_with_crc(stored, to);
  }
  RandomAccessFile* direct = *uncached;
  constexpr size_t kSlice = 256 * 1024;
  uint32_t crc = 0;
  for (uint64_t at = 0; at < e.size; at += kSlice) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kSlice, e.size - at));
    Result<std::string_view> read = direct->read(e.offset + at, n, to + at);
    if (!read.ok()) return read.status().with_context(*where);  // names the tensor too
    const std::string_view got = *read;
    if (got.size() != n) {
      return data_loss_error(*where + ": the file ended " +
                             std::to_string(e.offset + at + got.size()) +
                             " bytes in, inside the tensor (truncated data file?)");
    }
    if (got.data() != to + at) std::memcpy(to + at, got.data(), n);
    crc = crc32c::extend(crc, to + at, n);
  }
  return crc;
}

}  // namespace cairn::internal
