// Writes a tensor bundle: data shards first (under temporary names, synced,
// then renamed into place), the .index table last. Layout of both files:
// docs/formats/tensor_bundle.md.
#include "cairn/formats/bundle/bundle_writer.h"

#include <map>

#include "cairn/io/crc32c.h"
#include "cairn/io/table.h"
#include "cairn/io/temporary_names.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "formats/bundle/bundle_commit.h"
#include "formats/bundle/tensor_codec.h"

namespace cairn {
namespace {

std::string temporary_path(const std::string& final_path) {
  return temporary_path_for(final_path, kBundleTemporaryMarker);
}

struct Shard {
  std::string final_path;
  std::string temp_path;
  std::unique_ptr<WritableFile> file;
  uint64_t size = 0;
};

}  // namespace

struct BundleWriter::Impl {
  Impl(FileSystem& file_system, std::string bundle_prefix, BundleWriterOptions writer_options)
      : fs(file_system), prefix(std::move(bundle_prefix)), options(writer_options) {}

  Status open_shards();
  Status append(const Tensor& tensor, Shard& shard, tensorflow::BundleEntryProto* entry);
  Status finish_shards();
  Status write_index();
  Status commit();
  void discard_temporaries();

  FileSystem& fs;
  std::string prefix;
  BundleWriterOptions options;
  std::vector<Shard> shards;
  std::map<std::string, tensorflow::BundleEntryProto> entries;  // bytewise order
  std::string index_temp_path;
  Status sticky_error;
  bool finished = false;
};

Status BundleWriter::Impl::open_shards() {
  for (int i = 0; i < options.num_shards; ++i) {
    Shard shard;
    shard.final_path = bundle_data_path(prefix, i, options.num_shards);
    shard.temp_path = temporary_path(shard.final_path);
    CAIRN_ASSIGN_OR_RETURN(shard.file, fs.new_streaming_file(shard.temp_path));
    shards.push_back(std::move(shard));
  }
  return ok_status();
}

Status BundleWriter::Impl::append(const Tensor& tensor, Shard& shard,
                                  tensorflow::BundleEntryProto* entry) {
  entry->set_dtype(static_cast<tensorflow::DataType>(tensor.dtype()));
  entry->mutable_shape();  // present even for scalars, as TensorFlow writes it
  for (int64_t d : tensor.shape().dims()) entry->mutable_shape()->add_dim()->set_size(d);
  entry->set_shard_id(static_cast<int>(&shard - shards.data()));
  entry->set_offset(static_cast<int64_t>(shard.size));
  uint32_t crc = 0;
  uint64_t size = 0;
  if (tensor.dtype() == DType::kString) {
    std::string encoded;
    crc = internal::encode_string_tensor(tensor, &encoded);
    size = encoded.size();
    CAIRN_RETURN_IF_ERROR(shard.file->append(encoded));
  } else {
    auto bytes = tensor.bytes();
    std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    size = view.size();
    // Checksum and write a slice at a time: the append copies bytes the
    // checksum just brought into the cache (one pass over memory, not two).
    constexpr size_t kSlice = 256 * 1024;
    for (size_t at = 0; at < view.size(); at += kSlice) {
      const std::string_view slice = view.substr(at, kSlice);
      crc = crc32c::extend(crc, slice.data(), slice.size());
      CAIRN_RETURN_IF_ERROR(shard.file->append(slice));
    }
  }
  entry->set_size(static_cast<int64_t>(size));
  entry->set_crc32c(crc32c::mask(crc));
  shard.size += size;
  return ok_status();
}

Status BundleWriter::Impl::finish_shards() {
  for (Shard& shard : shards) {
    if (options.sync) CAIRN_RETURN_IF_ERROR(shard.file->sync());
    CAIRN_RETURN_IF_ERROR(shard.file->close());
  }
  return ok_status();
}

// Writes the index under a temporary name; commit() renames it into place.
Status BundleWriter::Impl::write_index() {
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(options.num_shards);
  header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(kBundleVersion);

  index_temp_path = temporary_path(bundle_index_path(prefix));
  CAIRN_ASSIGN_OR_RETURN(auto file, fs.new_writable_file(index_temp_path));
  TableWriter table(file.get(), TableOptions{});
  CAIRN_RETURN_IF_ERROR(table.add("", header.SerializeAsString()));
  for (const auto& [name, entry] : entries) {
    CAIRN_RETURN_IF_ERROR(table.add(name, entry.SerializeAsString()));
  }
  CAIRN_RETURN_IF_ERROR(table.finish());
  if (options.sync) CAIRN_RETURN_IF_ERROR(file->sync());
  return file->close();
}

// Only once every file is complete and durable do the final names change
// (bundle_commit.cc: data first, index last, an overwritten bundle kept as
// "<prefix>.previous" until the new one is in place), so a full disk, a
// failed write or a crash never loses the last complete bundle.
Status BundleWriter::Impl::commit() {
  internal::BundleFiles files{.data = {}, .index = {index_temp_path, bundle_index_path(prefix)}};
  for (const Shard& shard : shards) files.data.emplace_back(shard.temp_path, shard.final_path);
  CAIRN_RETURN_IF_ERROR(internal::commit_bundle(fs, prefix, files, options.sync));
  for (Shard& shard : shards) shard.temp_path.clear();
  index_temp_path.clear();
  return ok_status();
}

void BundleWriter::Impl::discard_temporaries() {
  for (Shard& shard : shards) {
    shard.file.reset();
    if (!shard.temp_path.empty()) (void)fs.remove_file(shard.temp_path);
  }
  if (!index_temp_path.empty()) (void)fs.remove_file(index_temp_path);
}

Result<std::unique_ptr<BundleWriter>> BundleWriter::create(FileSystem& fs, std::string prefix,
                                                           BundleWriterOptions options) {
  if (prefix.empty()) return invalid_argument_error("bundle prefix is empty");
  if (options.num_shards < 1 || options.num_shards > kMaxBundleShards) {
    return invalid_argument_error(prefix + ": num_shards must be in [1, " +
                                  std::to_string(kMaxBundleShards) + "], got " +
                                  std::to_string(options.num_shards));
  }
  auto impl = std::make_unique<Impl>(fs, std::move(prefix), options);
  Status opened = impl->open_shards();
  if (!opened.ok()) {
    impl->discard_temporaries();
    return opened;
  }
  return std::unique_ptr<BundleWriter>(new BundleWriter(std::move(impl)));
}

BundleWriter::BundleWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BundleWriter::~BundleWriter() {
  if (!impl_->finished) impl_->discard_temporaries();
}

const std::string& BundleWriter::prefix() const { return impl_->prefix; }

Status BundleWriter::add(std::string_view name, const Tensor& tensor) {
  size_t smallest = 0;
  for (size_t i = 1; i < impl_->shards.size(); ++i) {
    if (impl_->shards[i].size < impl_->shards[smallest].size) smallest = i;
  }
  return add_to_shard(name, tensor, static_cast<int>(smallest));
}

Status BundleWriter::add_to_shard(std::string_view name, const Tensor& tensor, int shard_id) {
  CAIRN_RETURN_IF_ERROR(impl_->sticky_error);
  std::string where = impl_->prefix + ": tensor '" + std::string(name) + "'";
  if (impl_->finished) return failed_precondition_error(where + ": bundle already finished");
  if (name.empty()) return invalid_argument_error(impl_->prefix + ": tensor name is empty");
  if (shard_id < 0 || shard_id >= static_cast<int>(impl_->shards.size())) {
    return invalid_argument_error(where + ": shard " + std::to_string(shard_id) + " out of range");
  }
  auto [it, inserted] = impl_->entries.try_emplace(std::string(name));
  if (!inserted) return invalid_argument_error(where + ": added twice");
  Shard& shard = impl_->shards[static_cast<size_t>(shard_id)];
  Status status = impl_->append(tensor, shard, &it->second);
  if (!status.ok()) impl_->sticky_error = status.with_context(where);
  return impl_->sticky_error;
}

Status BundleWriter::finish() {
  CAIRN_RETURN_IF_ERROR(impl_->sticky_error);
  if (impl_->finished) return failed_precondition_error(impl_->prefix + ": already finished");
  Status status = impl_->finish_shards();
  if (status.ok()) status = impl_->write_index();
  if (status.ok()) status = impl_->commit();
  if (!status.ok()) {
    impl_->sticky_error = status;
    impl_->discard_temporaries();
    return status;
  }
  impl_->finished = true;
  return ok_status();
}

}  // namespace cairn
