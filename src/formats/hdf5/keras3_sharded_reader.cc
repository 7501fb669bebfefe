// Reads Keras 3's sharded weights (layout in keras3_weights.h): the
// .weights.json manifest's weight_map names the shard of each vars group;
// each shard named is read once, and the objects are merged by path in
// index order. Shard names come from an untrusted file: each must stay in
// the manifest's directory (FileSystem::resolve_beneath).
#include <algorithm>
#include <map>

#include "cairn/formats/hdf5/keras3_weights.h"
#include "cairn/formats/json_limits.h"
#include "formats/hdf5/keras3_shard.h"

namespace cairn {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The shard files the manifest names, in order of first mention.
Result<std::vector<std::string>> shard_names(const OrderedJson& manifest, const std::string& path) {
  if (!manifest.is_object() || !manifest.contains("weight_map") ||
      !manifest["weight_map"].is_object()) {
    return data_loss_error(path + ": not a Keras sharded weights manifest (no weight_map object)");
  }
  std::vector<std::string> names;
  for (const auto& [group, shard] : manifest["weight_map"].items()) {
    if (!shard.is_string()) {
      return data_loss_error(path + ": weight_map['" + group + "'] is not a file name");
    }
    const std::string name = shard.get<std::string>();
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

// Appends `piece` to the object of the same path in `merged`.
Status merge(std::map<std::string, Keras3Vars>& merged, Keras3Vars piece,
             const std::string& shard) {
  auto [it, fresh] = merged.try_emplace(piece.path);
  Keras3Vars& object = it->second;
  if (fresh) {
    object.path = piece.path;
    object.name = piece.name;
  }
  if (piece.first_index != object.vars.size()) {
    return data_loss_error(shard + ": the vars of '" + piece.path + "' start at index " +
                           std::to_string(piece.first_index) + ", but the shards before hold " +
                           std::to_string(object.vars.size()));
  }
  for (Tensor& t : piece.vars) object.vars.push_back(std::move(t));
  if (object.name.empty()) object.name = piece.name;
  return ok_status();
}

}  // namespace

Result<Keras3Weights> read_keras3_sharded_weights(const std::string& json_path, FileSystem& fs,
                                                  const KerasH5ReadOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string text, fs.read_file(json_path));
  Result<OrderedJson> manifest = parse_untrusted_json(text, json_path);
  if (!manifest.ok()) return data_loss_error(manifest.status().message());
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> shards, shard_names(*manifest, json_path));
  std::map<std::string, Keras3Vars> merged;
  for (const std::string& shard : shards) {
    Result<std::string> shard_path = fs.resolve_beneath(dirname(json_path), shard);
    if (!shard_path.ok()) {
      return data_loss_error(json_path + ": shard '" + shard + "' " +
                             shard_path.status().message());
    }
    CAIRN_ASSIGN_OR_RETURN(std::string bytes, fs.read_file(*shard_path));
    CAIRN_ASSIGN_OR_RETURN(Keras3Weights part,
                           internal::decode_keras3_file(bytes, *shard_path, options, true));
    for (Keras3Vars& piece : part.objects) {
      CAIRN_RETURN_IF_ERROR(merge(merged, std::move(piece), *shard_path));
    }
  }
  Keras3Weights out;
  for (auto& [path, object] : merged) out.objects.push_back(std::move(object));
  return out;
}

}  // namespace cairn
