// Writes a tensor bundle in one process: a BundleShardWriter per data shard,
// then commit_bundle_shards (bundle_merge.cc) for the .index and the renames.
// A job saving in parallel runs the same two steps on several ranks.
#include "cairn/formats/bundle/bundle_writer.h"

#include <set>

#include "cairn/formats/bundle/bundle_shard_writer.h"

namespace cairn {

struct BundleWriter::Impl {
  FileSystem* fs = nullptr;
  std::string prefix;
  BundleWriterOptions options;
  std::vector<std::unique_ptr<BundleShardWriter>> shards;
  std::set<std::string, std::less<>> names;  // added so far, across shards
  Status sticky_error;
  bool finished = false;
};

Result<std::unique_ptr<BundleWriter>> BundleWriter::create(FileSystem& fs, std::string prefix,
                                                           BundleWriterOptions options) {
  if (prefix.empty()) return invalid_argument_error("bundle prefix is empty");
  if (options.num_shards < 1 || options.num_shards > kMaxBundleShards) {
    return invalid_argument_error(prefix + ": num_shards must be in [1, " +
                                  std::to_string(kMaxBundleShards) + "], got " +
                                  std::to_string(options.num_shards));
  }
  auto impl = std::make_unique<Impl>();
  impl->fs = &fs;
  impl->options = options;
  for (int i = 0; i < options.num_shards; ++i) {
    CAIRN_ASSIGN_OR_RETURN(
        auto shard, BundleShardWriter::create(fs, prefix, i, options.num_shards, options.sync));
    impl->shards.push_back(std::move(shard));
  }
  impl->prefix = std::move(prefix);
  return std::unique_ptr<BundleWriter>(new BundleWriter(std::move(impl)));
}

BundleWriter::BundleWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BundleWriter::~BundleWriter() = default;  // unfinished shards remove their temporaries

const std::string& BundleWriter::prefix() const { return impl_->prefix; }

Status BundleWriter::add(std::string_view name, const Tensor& tensor) {
  size_t smallest = 0;
  for (size_t i = 1; i < impl_->shards.size(); ++i) {
    if (impl_->shards[i]->size() < impl_->shards[smallest]->size()) smallest = i;
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
  if (!impl_->names.emplace(name).second) return invalid_argument_error(where + ": added twice");
  impl_->sticky_error = impl_->shards[static_cast<size_t>(shard_id)]->add(name, tensor);
  return impl_->sticky_error;
}

Status BundleWriter::finish() {
  CAIRN_RETURN_IF_ERROR(impl_->sticky_error);
  if (impl_->finished) return failed_precondition_error(impl_->prefix + ": already finished");
  std::vector<WrittenShard> written;
  Status status;
  for (auto& shard : impl_->shards) {
    Result<WrittenShard> done = shard->finish();
    if (!done.ok()) {
      status = done.status();
      break;
    }
    written.push_back(std::move(*done));
  }
  if (status.ok()) {
    status = commit_bundle_shards(*impl_->fs, impl_->prefix, written, impl_->options.sync);
  } else {
    for (const WrittenShard& shard : written) discard_shard(*impl_->fs, shard);
  }
  impl_->sticky_error = status;
  impl_->finished = status.ok();
  return status;
}

}  // namespace cairn
