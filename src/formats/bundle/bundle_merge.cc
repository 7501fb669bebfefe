// Merging the shards of a bundle into one: a WrittenShard as bytes (so a
// rank can send it to rank 0), and the one .index written from the entries
// of every shard, then the commit of all files (bundle_commit.cc).
//
// WrittenShard's bytes, all integers varints:
//   shard_id, num_shards, len + temp_path, count,
//   count x (len + tensor name, len + serialized BundleEntryProto)
#include <set>

#include "cairn/formats/bundle/bundle_shard_writer.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/coding.h"
#include "cairn/io/table.h"
#include "cairn/io/temporary_names.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "formats/bundle/bundle_commit.h"

namespace cairn {
namespace {

void put_bytes(std::string* out, std::string_view bytes) {
  put_varint64(out, bytes.size());
  out->append(bytes);
}

bool get_bytes(std::string_view* in, std::string* bytes) {
  uint64_t n = 0;
  if (!get_varint64(in, &n) || n > in->size()) return false;
  bytes->assign(in->substr(0, static_cast<size_t>(n)));
  in->remove_prefix(static_cast<size_t>(n));
  return true;
}

// The (name -> entry) of every shard, in bytewise name order; a name in two
// shards or a shard missing is an error.
Result<std::map<std::string, std::string>> merged_entries(const std::string& prefix,
                                                          std::span<const WrittenShard> shards) {
  std::set<int> ids;
  std::map<std::string, std::string> merged;
  std::map<std::string, int> shard_of;
  for (const WrittenShard& shard : shards) {
    if (shard.num_shards != static_cast<int>(shards.size()) || !ids.insert(shard.shard_id).second ||
        shard.shard_id < 0 || shard.shard_id >= shard.num_shards) {
      return invalid_argument_error(prefix + ": shard " + std::to_string(shard.shard_id) + " of " +
                                    std::to_string(shard.num_shards) + " given among " +
                                    std::to_string(shards.size()) + " shards");
    }
    for (const auto& [name, entry] : shard.entries) {
      auto [at, inserted] = shard_of.try_emplace(name, shard.shard_id);
      if (!inserted) {
        return invalid_argument_error(prefix + ": tensor '" + name + "' is in shards " +
                                      std::to_string(at->second) + " and " +
                                      std::to_string(shard.shard_id));
      }
      merged.emplace(name, entry);
    }
  }
  return merged;
}

// Writes the index under a temporary name, returned.
Result<std::string> write_index(FileSystem& fs, const std::string& prefix, int num_shards,
                                const std::map<std::string, std::string>& entries, bool sync) {
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(num_shards);
  header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(kBundleVersion);

  const std::string temp = temporary_path_for(bundle_index_path(prefix), kBundleTemporaryMarker);
  CAIRN_ASSIGN_OR_RETURN(auto file, fs.new_writable_file(temp));
  TableWriter table(file.get(), TableOptions{});
  Status status = table.add("", header.SerializeAsString());
  for (auto it = entries.begin(); status.ok() && it != entries.end(); ++it) {
    status = table.add(it->first, it->second);
  }
  if (status.ok()) status = table.finish();
  if (status.ok() && sync) status = file->sync();
  if (status.ok()) status = file->close();
  if (!status.ok()) {
    file.reset();
    (void)fs.remove_file(temp);
    return status;
  }
  return temp;
}

Status commit_all(FileSystem& fs, const std::string& prefix, std::span<const WrittenShard> shards,
                  bool sync) {
  CAIRN_ASSIGN_OR_RETURN(auto entries, merged_entries(prefix, shards));
  const int num_shards = static_cast<int>(shards.size());
  CAIRN_ASSIGN_OR_RETURN(std::string index_temp,
                         write_index(fs, prefix, num_shards, entries, sync));
  internal::BundleFiles files{.data = {}, .index = {index_temp, bundle_index_path(prefix)}};
  for (const WrittenShard& shard : shards) {
    files.data.emplace_back(shard.temp_path,
                            bundle_data_path(prefix, shard.shard_id, shard.num_shards));
  }
  Status status = internal::commit_bundle(fs, prefix, files, sync);
  if (!status.ok()) (void)fs.remove_file(index_temp);
  return status;
}

}  // namespace

std::string WrittenShard::serialize() const {
  std::string out;
  put_varint32(&out, static_cast<uint32_t>(shard_id));
  put_varint32(&out, static_cast<uint32_t>(num_shards));
  put_bytes(&out, temp_path);
  put_varint64(&out, entries.size());
  for (const auto& [name, entry] : entries) {
    put_bytes(&out, name);
    put_bytes(&out, entry);
  }
  return out;
}

Result<WrittenShard> WrittenShard::parse(std::string_view bytes, const std::string& from) {
  WrittenShard shard;
  uint32_t id = 0, n = 0;
  uint64_t count = 0;
  bool ok = get_varint32(&bytes, &id) && get_varint32(&bytes, &n) &&
            get_bytes(&bytes, &shard.temp_path) && get_varint64(&bytes, &count);
  for (uint64_t i = 0; ok && i < count; ++i) {
    std::pair<std::string, std::string> entry;
    ok = get_bytes(&bytes, &entry.first) && get_bytes(&bytes, &entry.second);
    if (ok) shard.entries.push_back(std::move(entry));
  }
  if (!ok || !bytes.empty() || n < 1 || n > static_cast<uint32_t>(kMaxBundleShards) || id >= n) {
    return data_loss_error(from + ": not the description of a bundle shard");
  }
  shard.shard_id = static_cast<int>(id);
  shard.num_shards = static_cast<int>(n);
  return shard;
}

Status commit_bundle_shards(FileSystem& fs, const std::string& prefix,
                            std::span<const WrittenShard> shards, bool sync) {
  Status status = commit_all(fs, prefix, shards, sync);
  if (!status.ok()) {
    for (const WrittenShard& shard : shards) discard_shard(fs, shard);
  }
  return status;
}

}  // namespace cairn
