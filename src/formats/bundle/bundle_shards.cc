// The data shards of a tensor bundle as BundleReader reads them
// (bundle_shards.h): reads from the page cache on every core, direct-I/O
// cold restores, mappings and their read-ahead.
#include "formats/bundle/bundle_shards.h"

#include <algorithm>
#include <cstring>

#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/checksummed_read.h"
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
  cached_.resize(static_cast<size_t>(num_shards));
  read_ahead_.resize(static_cast<size_t>(num_shards));
}

Result<const MappedFile*> BundleShards::shard(int shard_id, const std::string& tensor) const {
  std::lock_guard<std::mutex> lock(mu_);
  CAIRN_ASSIGN_OR_RETURN(MappedFile * file,
                         open_once(mapped_[static_cast<size_t>(shard_id)], shard_id, tensor,
                                   [this](const std::string& path) { return fs_.map_file(path); }));
  return file;
}

Status BundleShards::check_placement(const BundleEntry& e, uint64_t file_size,
                                     std::string* where) const {
  if (e.is_sliced) {
    return unimplemented_error("tensor '" + e.name + "' in " + prefix_ +
                               " is a partitioned (sliced) variable, which cairn does not read");
  }
  *where = bundle_data_path(prefix_, e.shard_id, num_shards_) + ": tensor '" + e.name + "'";
  if (e.offset > file_size || e.size > file_size - e.offset) {
    return data_loss_error(*where + ": the index places it at bytes [" + std::to_string(e.offset) +
                           ", " + std::to_string(e.offset + e.size) + "), but the file holds " +
                           std::to_string(file_size) + " bytes (truncated data file?)");
  }
  return ok_status();
}

Result<std::string_view> BundleShards::mapped_bytes(const BundleEntry& e,
                                                    std::string* where) const {
  if (e.is_sliced) return check_placement(e, 0, where);
  CAIRN_ASSIGN_OR_RETURN(const MappedFile* file, shard(e.shard_id, e.name));
  const std::string_view data = file->data();
  CAIRN_RETURN_IF_ERROR(check_placement(e, data.size(), where));
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

Result<RandomAccessFile*> BundleShards::cached_file(int shard_id, const std::string& tensor) const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_once(cached_[static_cast<size_t>(shard_id)], shard_id, tensor,
                   [this](const std::string& path) { return fs_.new_random_access_file(path); });
}

Result<uint32_t> BundleShards::copy_cold(const BundleEntry& e, uint64_t from, uint64_t n, char* to,
                                         bool walk) const {
  CAIRN_ASSIGN_OR_RETURN(const MappedFile* file, shard(e.shard_id, e.name));
  if (walk) {
    Result<RandomAccessFile*> uncached = uncached_file(e.shard_id, e.name);
    if (uncached.ok()) return read_checksummed_in_order(**uncached, e.offset + from, n, to);
    // Not opened (e.g. deleted since it was mapped): the mapping still holds it.
  }
  file->will_need(e.offset + from, n);
  return copy_with_crc(file->data().substr(static_cast<size_t>(e.offset + from), n), to);
}

Result<RangeRead> BundleShards::range_of(const StoredCopy& copy, std::string* where) const {
  const BundleEntry& e = *copy.entry;
  CAIRN_ASSIGN_OR_RETURN(const MappedFile* mapped, shard(e.shard_id, e.name));
  // Not opened (e.g. deleted since it was mapped): copy_cold reads the mapping.
  Result<RandomAccessFile*> file = cached_file(e.shard_id, e.name);
  // Bounds from the file's size, so no byte of the mapping is taken for them:
  // a warm read touches only what it copies.
  if (file.ok()) {
    CAIRN_RETURN_IF_ERROR(check_placement(e, (*file)->size(), where));
  } else {
    CAIRN_RETURN_IF_ERROR(mapped_bytes(e, where).status());
  }
  // Its first page in memory: the tensor likely is all there (what is not
  // is still left to copy_cold).
  const bool in_memory = file.ok() && mapped->resident(e.offset, std::min<uint64_t>(e.size, 1));
  return RangeRead{.file = file.ok() ? *file : nullptr,
                   .offset = e.offset,
                   .size = e.size,
                   .dest = copy.to,
                   .try_memory = in_memory};
}

std::vector<BundleShards::Copied> BundleShards::copy_stored(
    std::span<const StoredCopy> copies) const {
  std::vector<Copied> out(copies.size());
  std::vector<RangeRead> ranges;
  std::vector<size_t> copy_of;  // ranges[k] copies copies[copy_of[k]]
  std::vector<bool> walks;      // and walks its shard
  for (size_t i = 0; i < copies.size(); ++i) {
    Result<RangeRead> range = range_of(copies[i], &out[i].where);
    if (!range.ok()) {
      out[i].status = range.status();
      continue;
    }
    const BundleEntry& e = *copies[i].entry;
    ranges.push_back(*range);
    copy_of.push_back(i);
    walks.push_back(note_read(e) || e.size >= kReadAheadWindow);
  }
  ChecksummedReadOptions options;
  options.slow = [&](size_t k, uint64_t from, uint64_t n, char* to) {
    return copy_cold(*copies[copy_of[k]].entry, from, n, to, walks[k]);
  };
  const std::vector<RangeCrc> crcs = read_checksummed(ranges, options);
  for (size_t k = 0; k < crcs.size(); ++k) {
    Copied& copied = out[copy_of[k]];
    copied.status = crcs[k].status.ok() ? ok_status() : crcs[k].status.with_context(copied.where);
    copied.crc = crcs[k].crc;
  }
  return out;
}

}  // namespace cairn::internal
