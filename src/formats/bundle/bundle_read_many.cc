// BundleReader::read_many_into: a restore's one pass over a bundle's data.
// Each target's bytes are read once with RandomAccessFile::read straight
// into the destination's memory, and their crc32c is computed on each slice
// while it is still in the CPU cache. Single-threaded and simple: every byte
// goes through the FileSystem, so a counting file system sees each one.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/io/crc32c.h"
#include "formats/bundle/bundle_reader_impl.h"
#include "formats/bundle/tensor_codec.h"

namespace cairn {
namespace {

constexpr size_t kSlice = 256 * 1024;

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

// The data shards of one read_many_into call, each opened on first use.
class ShardFiles {
 public:
  ShardFiles(FileSystem& fs, const std::string& prefix, int num_shards)
      : fs_(fs), prefix_(prefix), num_shards_(num_shards), files_(num_shards) {}

  Result<const RandomAccessFile*> get(const BundleEntry& e) {
    std::unique_ptr<RandomAccessFile>& slot = files_[static_cast<size_t>(e.shard_id)];
    if (!slot) {
      const std::string path = bundle_data_path(prefix_, e.shard_id, num_shards_);
      auto opened = fs_.new_random_access_file(path);
      if (!opened.ok()) {
        return Status(opened.status().code(),
                      "tensor '" + e.name + "' is stored in " + path +
                          ", which cannot be read: " + opened.status().message());
      }
      slot = std::move(*opened);
    }
    return slot.get();
  }

 private:
  FileSystem& fs_;
  const std::string& prefix_;
  int num_shards_;
  std::vector<std::unique_ptr<RandomAccessFile>> files_;
};

// OK when the file holds the bytes the index places there (checked before
// anything is allocated for them).
Status check_extent(const RandomAccessFile& file, const BundleEntry& e, const std::string& where) {
  if (e.offset <= file.size() && e.size <= file.size() - e.offset) return ok_status();
  return data_loss_error(where + ": the index places it at bytes [" + std::to_string(e.offset) +
                         ", " + std::to_string(e.offset + e.size) + "), but the file holds " +
                         std::to_string(file.size()) + " bytes (truncated data file?)");
}

// Reads e's e.size stored bytes into `to`, returning their crc32c.
Result<uint32_t> read_with_crc(const RandomAccessFile& file, const BundleEntry& e, char* to,
                               const std::string& where) {
  uint32_t crc = 0;
  for (uint64_t at = 0; at < e.size; at += kSlice) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kSlice, e.size - at));
    Result<std::string_view> read = file.read(e.offset + at, n, to + at);
    if (!read.ok()) return read.status().with_context(where);
    if (read->size() != n) {
      return data_loss_error(where + ": the file ended " +
                             std::to_string(e.offset + at + read->size()) +
                             " bytes in, inside the tensor (truncated data file?)");
    }
    if (read->data() != to + at) std::memcpy(to + at, read->data(), n);
    crc = crc32c::extend(crc, to + at, n);
  }
  return crc;
}

Status check_crc(const BundleEntry& e, uint32_t crc, const std::string& where) {
  if (crc32c::mask(crc) == e.masked_crc32c) return ok_status();
  return data_loss_error(where + ": checksum mismatch (index records " + hex32(e.masked_crc32c) +
                         ", data gives " + hex32(crc32c::mask(crc)) +
                         "): the data file is corrupt");
}

// Why `t` cannot be read as asked, or OK.
Status check_target(const BundleReadTarget& t, const std::string& prefix) {
  const BundleEntry& e = *t.entry;
  if (!has_values(e.dtype)) {
    return unimplemented_error("tensor '" + e.name + "' in " + prefix + " has dtype " +
                               (e.dtype == DType::kInvalid ? std::to_string(e.raw_dtype)
                                                           : std::string(dtype_name(e.dtype))) +
                               ", which cairn lists but does not decode");
  }
  if (e.is_sliced) {
    return unimplemented_error("tensor '" + e.name + "' in " + prefix +
                               " is a partitioned (sliced) variable, which cairn does not read");
  }
  if (t.dest->dtype() != e.dtype || !(t.dest->shape() == e.shape)) {
    return invalid_argument_error(
        "tensor '" + e.name + "' in " + prefix + " is " + std::string(dtype_name(e.dtype)) + " " +
        e.shape.to_string() + ", but the tensor to read it into is " +
        std::string(dtype_name(t.dest->dtype())) + " " + t.dest->shape().to_string());
  }
  if (is_fixed_width(e.dtype) && t.dest->byte_size() != e.size) {
    return data_loss_error("tensor '" + e.name + "' in " + prefix + " holds " +
                           std::to_string(e.size) + " bytes, but " +
                           std::string(dtype_name(e.dtype)) + " " + e.shape.to_string() +
                           " needs " + std::to_string(t.dest->byte_size()));
  }
  return ok_status();
}

}  // namespace

Status BundleReader::read_many_into(std::span<const BundleReadTarget> targets) const {
  ShardFiles files(impl_->fs, impl_->prefix, impl_->num_shards);
  for (const BundleReadTarget& t : targets) {
    CAIRN_RETURN_IF_ERROR(check_target(t, impl_->prefix));
    const BundleEntry& e = *t.entry;
    const std::string where = bundle_data_path(impl_->prefix, e.shard_id, impl_->num_shards) +
                              ": tensor '" + e.name + "'";
    CAIRN_ASSIGN_OR_RETURN(const RandomAccessFile* file, files.get(e));
    CAIRN_RETURN_IF_ERROR(check_extent(*file, e, where));
    if (is_fixed_width(e.dtype)) {
      char* to = reinterpret_cast<char*>(t.dest->data());
      CAIRN_ASSIGN_OR_RETURN(uint32_t crc, read_with_crc(*file, e, to, where));
      CAIRN_RETURN_IF_ERROR(check_crc(e, crc, where));
      if (e.dtype == DType::kBool) internal::canonicalize_bools(*t.dest);
      continue;
    }
    std::string bytes(static_cast<size_t>(e.size), '\0');  // strings: decoded from their bytes
    CAIRN_RETURN_IF_ERROR(read_with_crc(*file, e, bytes.data(), where).status());
    CAIRN_ASSIGN_OR_RETURN(uint32_t crc, internal::stored_tensor_crc(e, bytes, where));
    CAIRN_RETURN_IF_ERROR(check_crc(e, crc, where));
    CAIRN_ASSIGN_OR_RETURN(*t.dest, internal::decode_tensor(e, bytes, where));
  }
  return ok_status();
}

}  // namespace cairn
