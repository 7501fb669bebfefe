// Writes one data shard of a tensor bundle: each tensor's bytes appended in
// the order add() is called, its crc32c computed in the same pass, the file
// synced under a temporary name. Layout: docs/formats/tensor_bundle.md.
#include "cairn/formats/bundle/bundle_shard_writer.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/crc32c.h"
#include "cairn/io/temporary_names.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "formats/bundle/tensor_codec.h"

namespace cairn {

struct BundleShardWriter::Impl {
  Status append(const Tensor& tensor, tensorflow::BundleEntryProto* entry);
  void discard();

  FileSystem* fs = nullptr;
  std::string prefix;
  int shard_id = 0;
  int num_shards = 1;
  bool sync = true;
  std::string temp_path;
  std::unique_ptr<WritableFile> file;
  uint64_t size = 0;
  std::map<std::string, tensorflow::BundleEntryProto> entries;  // bytewise order
  Status sticky_error;
  bool handed_over = false;  // finish() gave the temporary to the caller
};

Status BundleShardWriter::Impl::append(const Tensor& tensor, tensorflow::BundleEntryProto* entry) {
  entry->set_dtype(static_cast<tensorflow::DataType>(tensor.dtype()));
  entry->mutable_shape();  // present even for scalars, as TensorFlow writes it
  for (int64_t d : tensor.shape().dims()) entry->mutable_shape()->add_dim()->set_size(d);
  entry->set_shard_id(shard_id);
  entry->set_offset(static_cast<int64_t>(size));
  uint32_t crc = 0;
  uint64_t bytes_written = 0;
  if (tensor.dtype() == DType::kString) {
    std::string encoded;
    crc = internal::encode_string_tensor(tensor, &encoded);
    bytes_written = encoded.size();
    CAIRN_RETURN_IF_ERROR(file->append(encoded));
  } else {
    auto bytes = tensor.bytes();
    std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    bytes_written = view.size();
    // Checksum and write a slice at a time: the append copies bytes the
    // checksum just brought into the cache (one pass over memory, not two).
    constexpr size_t kSlice = 256 * 1024;
    for (size_t at = 0; at < view.size(); at += kSlice) {
      const std::string_view slice = view.substr(at, kSlice);
      crc = crc32c::extend(crc, slice.data(), slice.size());
      CAIRN_RETURN_IF_ERROR(file->append(slice));
    }
  }
  entry->set_size(static_cast<int64_t>(bytes_written));
  entry->set_crc32c(crc32c::mask(crc));
  size += bytes_written;
  return ok_status();
}

void BundleShardWriter::Impl::discard() {
  file.reset();
  if (!handed_over && !temp_path.empty()) (void)fs->remove_file(temp_path);
}

Result<std::unique_ptr<BundleShardWriter>> BundleShardWriter::create(FileSystem& fs,
                                                                     std::string prefix,
                                                                     int shard_id, int num_shards,
                                                                     bool sync) {
  if (prefix.empty()) return invalid_argument_error("bundle prefix is empty");
  if (num_shards < 1 || num_shards > kMaxBundleShards || shard_id < 0 || shard_id >= num_shards) {
    return invalid_argument_error(prefix + ": no shard " + std::to_string(shard_id) + " of " +
                                  std::to_string(num_shards) + " (at most " +
                                  std::to_string(kMaxBundleShards) + " shards)");
  }
  auto impl = std::make_unique<Impl>();
  impl->fs = &fs;
  impl->shard_id = shard_id;
  impl->num_shards = num_shards;
  impl->sync = sync;
  const std::string final_path = bundle_data_path(prefix, shard_id, num_shards);
  impl->prefix = std::move(prefix);
  impl->temp_path = temporary_path_for(final_path, kBundleTemporaryMarker);
  CAIRN_ASSIGN_OR_RETURN(impl->file, fs.new_streaming_file(impl->temp_path));
  return std::unique_ptr<BundleShardWriter>(new BundleShardWriter(std::move(impl)));
}

BundleShardWriter::BundleShardWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BundleShardWriter::~BundleShardWriter() { impl_->discard(); }

uint64_t BundleShardWriter::size() const { return impl_->size; }

Status BundleShardWriter::add(std::string_view name, const Tensor& tensor) {
  CAIRN_RETURN_IF_ERROR(impl_->sticky_error);
  const std::string where = impl_->prefix + ": tensor '" + std::string(name) + "'";
  if (impl_->handed_over) return failed_precondition_error(where + ": shard already finished");
  if (name.empty()) return invalid_argument_error(impl_->prefix + ": tensor name is empty");
  auto [it, inserted] = impl_->entries.try_emplace(std::string(name));
  if (!inserted) return invalid_argument_error(where + ": added twice");
  Status status = impl_->append(tensor, &it->second);
  if (!status.ok()) impl_->sticky_error = status.with_context(where);
  return impl_->sticky_error;
}

Result<WrittenShard> BundleShardWriter::finish() {
  CAIRN_RETURN_IF_ERROR(impl_->sticky_error);
  if (impl_->handed_over) return failed_precondition_error(impl_->prefix + ": already finished");
  Status status = impl_->sync ? impl_->file->sync() : ok_status();
  if (status.ok()) status = impl_->file->close();
  if (!status.ok()) {
    impl_->sticky_error = status;
    return status;
  }
  WrittenShard out{
      .shard_id = impl_->shard_id, .num_shards = impl_->num_shards, .temp_path = impl_->temp_path};
  for (const auto& [name, entry] : impl_->entries) {
    out.entries.emplace_back(name, entry.SerializeAsString());
  }
  impl_->handed_over = true;
  return out;
}

void discard_shard(FileSystem& fs, const WrittenShard& shard) {
  if (!shard.temp_path.empty()) (void)fs.remove_file(shard.temp_path);
}

uint64_t stored_size_estimate(const Tensor& tensor) {
  if (tensor.dtype() != DType::kString) return tensor.bytes().size();
  uint64_t bytes = 4;  // the crc of the lengths
  for (const std::string& element : tensor.strings()) bytes += 1 + element.size();
  return bytes;
}

std::vector<int> assign_shards_by_bytes(std::span<const uint64_t> bytes, int num_shards) {
  std::vector<size_t> order(bytes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return bytes[a] > bytes[b]; });
  std::vector<uint64_t> held(static_cast<size_t>(std::max(num_shards, 1)), 0);
  std::vector<int> shard_of(bytes.size(), 0);
  for (size_t i : order) {
    const auto lightest = std::min_element(held.begin(), held.end()) - held.begin();
    shard_of[i] = static_cast<int>(lightest);
    held[static_cast<size_t>(lightest)] += bytes[i];
  }
  return shard_of;
}

}  // namespace cairn
