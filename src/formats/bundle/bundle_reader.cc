// Reads a tensor bundle: the whole .index table at open, each tensor on
// demand from its data shard. Layout: docs/formats/tensor_bundle.md.
#include "cairn/formats/bundle/bundle_reader.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <mutex>

#include "cairn/core/tensor_size.h"
#include "cairn/io/crc32c.h"
#include "cairn/io/table.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "formats/bundle/bundle_shards.h"
#include "formats/bundle/tensor_codec.h"

namespace cairn {
namespace {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

// TensorFlow's V1 format: one table file named PREFIX or PREFIX-?????-of-?????.
bool looks_like_v1_checkpoint(FileSystem& fs, const std::string& prefix) {
  if (fs.file_exists(prefix) && !fs.is_directory(prefix)) return true;
  return fs.file_exists(prefix + "-00000-of-00001");
}

Status missing_index_error(FileSystem& fs, const std::string& prefix) {
  std::string index = bundle_index_path(prefix);
  if (looks_like_v1_checkpoint(fs, prefix)) {
    return unimplemented_error(
        prefix + " is a TensorFlow V1 checkpoint (a single table file without " + index +
        "); cairn reads only the V2 format (PREFIX.index + PREFIX.data-*). Re-save it with "
        "TensorFlow, whose savers write V2 by default since 1.2");
  }
  if (fs.is_directory(prefix)) {
    return not_found_error(prefix +
                           " is a directory, not a checkpoint prefix: pass a prefix "
                           "such as " +
                           prefix +
                           "/model.ckpt-200, or the directory to "
                           "latest_checkpoint()");
  }
  return not_found_error("checkpoint " + prefix + " not found: no file " + index);
}

Status check_header(const tensorflow::BundleHeaderProto& header, const std::string& index) {
  if (header.num_shards() < 1 || header.num_shards() > kMaxBundleShards) {
    return data_loss_error(index + ": header declares " + std::to_string(header.num_shards()) +
                           " data shards");
  }
  if (header.endianness() != tensorflow::BundleHeaderProto::LITTLE) {
    return unimplemented_error(index + ": big-endian bundles are not supported");
  }
  const auto& version = header.version();
  if (version.min_consumer() > kBundleVersion) {
    return failed_precondition_error(
        index + ": written for readers of version >= " + std::to_string(version.min_consumer()) +
        "; cairn reads version " + std::to_string(kBundleVersion));
  }
  if (version.producer() < kBundleMinConsumer) {
    return failed_precondition_error(index + ": producer version " +
                                     std::to_string(version.producer()) + " is too old");
  }
  for (int bad : version.bad_consumers()) {
    if (bad == kBundleVersion) {
      return failed_precondition_error(index + ": this bundle disallows reader version " +
                                       std::to_string(kBundleVersion));
    }
  }
  return ok_status();
}

Result<BundleEntry> parse_entry(const std::string& name, const std::string& value, int num_shards,
                                const std::string& index) {
  std::string where = index + ": tensor '" + name + "'";
  tensorflow::BundleEntryProto proto;
  if (!proto.ParseFromString(value)) return data_loss_error(where + ": unparsable entry");
  BundleEntry e;
  e.name = name;
  e.raw_dtype = static_cast<int>(proto.dtype());
  e.dtype = is_known_dtype(e.raw_dtype) ? static_cast<DType>(e.raw_dtype) : DType::kInvalid;
  if (proto.shape().dim_size() > kMaxRank) {
    return data_loss_error(where + ": shape has " + std::to_string(proto.shape().dim_size()) +
                           " dimensions, more than the " + std::to_string(kMaxRank) +
                           " a tensor may have");
  }
  std::vector<int64_t> dims;
  for (const auto& dim : proto.shape().dim()) dims.push_back(dim.size());
  e.shape = TensorShape(std::move(dims));
  e.shard_id = proto.shard_id();
  e.masked_crc32c = proto.crc32c();
  e.is_sliced = proto.slices_size() > 0;
  if (proto.offset() < 0 || proto.size() < 0) return data_loss_error(where + ": negative extent");
  e.offset = static_cast<uint64_t>(proto.offset());
  e.size = static_cast<uint64_t>(proto.size());
  if (e.shard_id < 0 || e.shard_id >= num_shards) {
    return data_loss_error(where + ": shard " + std::to_string(e.shard_id) + " of " +
                           std::to_string(num_shards));
  }
  // Only a bad shape here; whether the bytes exist is the shard's to say.
  if (auto size = tensor_size(e.dtype, e.shape, std::numeric_limits<int64_t>::max()); !size.ok()) {
    return data_loss_error(where + ": invalid shape: " + size.status().message());
  }
  if (is_fixed_width(e.dtype) && !e.is_sliced) {
    auto size = tensor_size(e.dtype, e.shape, static_cast<int64_t>(e.size));
    if (!size.ok() || static_cast<uint64_t>(size->bytes) != e.size) {
      return data_loss_error(where + ": entry says " + std::to_string(e.size) + " bytes, but " +
                             std::string(dtype_name(e.dtype)) + " " + e.shape.to_string() +
                             " needs a different size");
    }
  }
  return e;
}

}  // namespace

struct BundleReader::Impl {
  Impl(FileSystem& file_system, std::string bundle_prefix)
      : fs(file_system), prefix(std::move(bundle_prefix)), shards(fs, prefix) {}

  Status load_index();

  FileSystem& fs;
  std::string prefix;
  int num_shards = 0;
  std::vector<BundleEntry> entries;
  internal::BundleShards shards;  // refers to prefix
};

Status BundleReader::Impl::load_index() {
  std::string index = bundle_index_path(prefix);
  if (!fs.file_exists(index)) return missing_index_error(fs, prefix);
  CAIRN_ASSIGN_OR_RETURN(auto file, fs.new_random_access_file(index));
  CAIRN_ASSIGN_OR_RETURN(auto table, read_table(*file));
  if (table.empty() || !table.front().first.empty()) {
    return data_loss_error(index + ": no bundle header (the table has no entry under key \"\")");
  }
  tensorflow::BundleHeaderProto header;
  if (!header.ParseFromString(table.front().second)) {
    return data_loss_error(index + ": unparsable bundle header");
  }
  CAIRN_RETURN_IF_ERROR(check_header(header, index));
  num_shards = header.num_shards();
  shards.resize(num_shards);
  entries.reserve(table.size() - 1);
  for (size_t i = 1; i < table.size(); ++i) {
    CAIRN_ASSIGN_OR_RETURN(BundleEntry e,
                           parse_entry(table[i].first, table[i].second, num_shards, index));
    entries.push_back(std::move(e));
  }
  return ok_status();
}

Result<std::unique_ptr<BundleReader>> BundleReader::open(FileSystem& fs, std::string prefix) {
  auto impl = std::make_unique<Impl>(fs, std::move(prefix));
  CAIRN_RETURN_IF_ERROR(impl->load_index());
  return std::unique_ptr<BundleReader>(new BundleReader(std::move(impl)));
}

BundleReader::BundleReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BundleReader::~BundleReader() = default;

const std::string& BundleReader::prefix() const { return impl_->prefix; }
int BundleReader::num_shards() const { return impl_->num_shards; }
const std::vector<BundleEntry>& BundleReader::entries() const { return impl_->entries; }

const BundleEntry* BundleReader::find(std::string_view name) const {
  const auto& all = impl_->entries;
  auto it = std::lower_bound(all.begin(), all.end(), name,
                             [](const BundleEntry& e, std::string_view n) { return e.name < n; });
  return it != all.end() && it->name == name ? &*it : nullptr;
}

const BundleEntry* BundleReader::find_or(std::string_view name, Status* missing) const {
  const BundleEntry* e = find(name);
  if (e == nullptr) {
    *missing =
        not_found_error("tensor '" + std::string(name) + "' is not in checkpoint " + impl_->prefix);
  }
  return e;
}

namespace {

Status crc_mismatch(const std::string& where, uint32_t recorded, uint32_t crc) {
  return data_loss_error(where + ": checksum mismatch (index records " + hex32(recorded) +
                         ", data gives " + hex32(crc32c::mask(crc)) +
                         "): the data file is corrupt");
}

}  // namespace

Result<std::string> BundleReader::read_raw(std::string_view name) const {
  Status missing;
  const BundleEntry* e = find_or(name, &missing);
  if (e == nullptr) return missing;
  std::string where;
  CAIRN_ASSIGN_OR_RETURN(std::string_view stored, impl_->shards.stored_bytes(*e, &where));
  std::string bytes(stored);
  CAIRN_ASSIGN_OR_RETURN(uint32_t crc, internal::stored_tensor_crc(*e, bytes, where));
  if (crc32c::mask(crc) != e->masked_crc32c) return crc_mismatch(where, e->masked_crc32c, crc);
  return bytes;
}

Result<Tensor> BundleReader::read(std::string_view name) const {
  Status missing;
  const BundleEntry* e = find_or(name, &missing);
  if (e == nullptr) return missing;
  if (!has_values(e->dtype)) {
    return unimplemented_error("tensor '" + e->name + "' in " + impl_->prefix + " has dtype " +
                               (e->dtype == DType::kInvalid ? std::to_string(e->raw_dtype)
                                                            : std::string(dtype_name(e->dtype))) +
                               ", which cairn lists but does not decode");
  }
  std::string where;
  if (e->dtype == DType::kString) {
    CAIRN_ASSIGN_OR_RETURN(std::string bytes, read_raw(name));
    where = bundle_data_path(impl_->prefix, e->shard_id, impl_->num_shards) + ": tensor '" +
            e->name + "'";
    return internal::decode_tensor(*e, bytes, where);
  }
  // Fixed-width: straight from the file into the tensor, crc on the way.
  CAIRN_RETURN_IF_ERROR(impl_->shards.mapped_bytes(*e, &where).status());  // before allocating
  Tensor tensor = Tensor::uninitialized(e->dtype, e->shape);
  CAIRN_RETURN_IF_ERROR(check_target(*e, tensor));
  const BundleReadTarget target{e, &tensor};
  CAIRN_RETURN_IF_ERROR(copy_checked({&target, 1}).front());
  return tensor;
}

Status BundleReader::read_into(std::string_view name, Tensor* dest) const {
  Status missing;
  const BundleEntry* e = find_or(name, &missing);
  if (e == nullptr) return missing;
  const BundleReadTarget target{e, dest};
  return read_many_into({&target, 1});
}

Status BundleReader::check_target(const BundleEntry& e, const Tensor& dest) const {
  if (dest.dtype() != e.dtype || !(dest.shape() == e.shape)) {
    return invalid_argument_error(
        "tensor '" + e.name + "' in " + impl_->prefix + " is " + std::string(dtype_name(e.dtype)) +
        " " + e.shape.to_string() + ", but the tensor to read it into is " +
        std::string(dtype_name(dest.dtype())) + " " + dest.shape().to_string());
  }
  if (is_fixed_width(e.dtype) && dest.byte_size() != e.size) {  // parse_entry refuses this
    return data_loss_error(impl_->prefix + ": tensor '" + e.name + "' holds " +
                           std::to_string(e.size) + " bytes, but " +
                           std::string(dtype_name(e.dtype)) + " " + e.shape.to_string() +
                           " needs " + std::to_string(dest.byte_size()));
  }
  return ok_status();
}

// Fixed-width targets are copied together (copy_checked), the others
// (strings) decoded one by one; then the first failure in target order.
Status BundleReader::read_many_into(std::span<const BundleReadTarget> targets) const {
  std::vector<Status> failures(targets.size());
  std::vector<BundleReadTarget> fixed;
  std::vector<size_t> fixed_at;  // fixed[k] is targets[fixed_at[k]]
  for (size_t i = 0; i < targets.size(); ++i) {
    assert(targets[i].entry != nullptr && targets[i].dest != nullptr);
    const BundleEntry& e = *targets[i].entry;
    failures[i] = check_target(e, *targets[i].dest);
    if (!failures[i].ok()) continue;
    if (is_fixed_width(e.dtype)) {
      fixed.push_back(targets[i]);
      fixed_at.push_back(i);
    } else if (Result<Tensor> decoded = read(e.name); decoded.ok()) {
      *targets[i].dest = std::move(*decoded);
    } else {
      failures[i] = decoded.status();
    }
  }
  const std::vector<Status> copied = copy_checked(fixed);
  for (size_t k = 0; k < copied.size(); ++k) failures[fixed_at[k]] = copied[k];
  for (const Status& failure : failures) {
    if (!failure.ok()) return failure;
  }
  return ok_status();
}

// Copies each fixed-width target's stored bytes into its tensor, checking
// their crc32c: one status per target.
std::vector<Status> BundleReader::copy_checked(std::span<const BundleReadTarget> targets) const {
  std::vector<internal::BundleShards::StoredCopy> copies;
  copies.reserve(targets.size());
  for (const BundleReadTarget& t : targets) {
    copies.push_back({t.entry, reinterpret_cast<char*>(t.dest->data())});
  }
  const std::vector<internal::BundleShards::Copied> copied = impl_->shards.copy_stored(copies);
  std::vector<Status> out(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    const BundleEntry& e = *targets[i].entry;
    if (!copied[i].status.ok()) {
      out[i] = copied[i].status;
    } else if (crc32c::mask(copied[i].crc) != e.masked_crc32c) {
      out[i] = crc_mismatch(copied[i].where, e.masked_crc32c, copied[i].crc);
    } else if (e.dtype == DType::kBool) {
      internal::canonicalize_bools(*targets[i].dest);
    }
  }
  return out;
}

// Every declared shard must exist (TensorFlow writes one file per shard,
// even an empty one; a sliced tensor's slices live in them). Every entry
// with stored bytes is checksummed, whatever its dtype: the crc covers the
// bytes as written (raw bytes for every dtype but string and variant).
Status BundleReader::verify_all(const std::function<void(uint64_t bytes)>& checked) const {
  for (int shard = 0; shard < impl_->num_shards; ++shard) {
    const std::string path = bundle_data_path(impl_->prefix, shard, impl_->num_shards);
    if (!impl_->fs.file_exists(path)) {
      return data_loss_error(bundle_index_path(impl_->prefix) + " declares " +
                             std::to_string(impl_->num_shards) + " data shards, but " + path +
                             " is missing");
    }
  }
  for (const BundleEntry& e : impl_->entries) {
    if (e.is_sliced) continue;  // no bytes of its own: its slices are entries too
    auto bytes = read_raw(e.name);
    if (!bytes.ok()) return bytes.status();
    if (checked) checked(bytes->size());
  }
  return ok_status();
}

}  // namespace cairn
