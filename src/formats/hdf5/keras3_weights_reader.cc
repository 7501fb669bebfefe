// Reads Keras 3 weights files (layout in include/cairn/formats/hdf5/keras3_weights.h).
// Every dataset must sit in a group named `vars`, under the name of its
// position (0, 1, ...); the object is the path above that group. The walk and
// every read are bounded by the file's size (hdf5_tensors.h), and the whole
// parse first runs in a child process (hdf5_sandbox.h), as for Keras 2 files.
#include <charconv>
#include <map>

#include "cairn/formats/hdf5/keras3_weights.h"
#include "formats/hdf5/hdf5_handles.h"
#include "formats/hdf5/hdf5_sandbox.h"
#include "formats/hdf5/hdf5_strings.h"
#include "formats/hdf5/hdf5_tensors.h"
#include "formats/hdf5/keras3_shard.h"

namespace cairn {
namespace {

namespace h5 = ::cairn::internal::h5;

constexpr std::string_view kVars = "vars";
// Keras 2.13-2.15's name for what Keras 3 calls "layers".
constexpr std::string_view kKeras2Layers = "_layer_checkpoint_dependencies";

// "layers/dense/vars/1" -> object "layers/dense", index 1; false if not of that form.
bool split_dataset(std::string_view dataset, std::string& object, size_t& index) {
  const size_t slash = dataset.rfind('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view number = dataset.substr(slash + 1);
  const std::string_view group = dataset.substr(0, slash);
  if (group != kVars && !group.ends_with("/vars")) return false;
  if (number.empty() || (number.size() > 1 && number[0] == '0')) return false;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), index);
  if (error != std::errc() || end != number.data() + number.size()) return false;
  object = std::string(group.substr(0, group.size() == kVars.size() ? 0 : group.size() - 5));
  if (object.starts_with(kKeras2Layers)) object = "layers" + object.substr(kKeras2Layers.size());
  return true;
}

// The datasets of each object, by index; DATA_LOSS for one outside a vars group.
Result<std::map<std::string, std::map<size_t, std::string>>> group_datasets(hid_t root,
                                                                            uint64_t size) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> datasets, h5::list_datasets(root, size));
  std::map<std::string, std::map<size_t, std::string>> objects;
  for (const std::string& dataset : datasets) {
    std::string object;
    size_t index = 0;
    if (!split_dataset(dataset, object, index)) {
      return data_loss_error("not a Keras 3 weights file: dataset /" + dataset +
                             " is not <object>/vars/<index>");
    }
    objects[object][index] = dataset;
  }
  return objects;
}

Result<Keras3Vars> read_object(hid_t root, const std::string& object,
                               const std::map<size_t, std::string>& datasets, uint64_t size,
                               h5::ReadBudget& budget, bool keep_values) {
  const size_t first = datasets.begin()->first;
  Keras3Vars out{.path = object, .name = "", .vars = {}, .first_index = first};
  size_t expected = first;
  for (const auto& [index, dataset] : datasets) {
    if (index != expected++) {
      return data_loss_error("/" + dataset + ": the vars of '" + object + "' skip index " +
                             std::to_string(expected - 1));
    }
    CAIRN_ASSIGN_OR_RETURN(Tensor value, h5::read_tensor(root, dataset, budget));
    out.vars.push_back(keep_values ? std::move(value) : Tensor());
  }
  const std::string group = dirname(datasets.begin()->second);
  h5::Handle vars = h5::open_group(root, group);
  if (vars && h5::has_attribute(vars.get(), "name")) {
    CAIRN_ASSIGN_OR_RETURN(out.name, h5::read_string(vars.get(), "name", size));
  }
  return out;
}

Result<Keras3Weights> decode_keras3_weights(std::string_view bytes, bool keep_values,
                                            const KerasH5ReadOptions& options) {
  h5::LibraryScope scope;
  const uint64_t size = bytes.size();
  h5::ReadBudget budget{.stored = size, .filtered = options.max_decompressed_bytes};
  CAIRN_ASSIGN_OR_RETURN(h5::Handle image, h5::open_file_image(bytes));
  h5::Handle root = h5::open_group(image.get(), "/");
  if (!root) return data_loss_error(h5::with_reason("cannot open the root group"));
  if (h5::has_string_list(root.get(), "layer_names") || h5::has_link(root.get(), "model_weights")) {
    return data_loss_error(
        "holds Keras 2's HDF5 layout (layer_names), not Keras 3's (layers/<name>/vars)");
  }
  CAIRN_ASSIGN_OR_RETURN(auto objects, group_datasets(root.get(), size));
  Keras3Weights out;
  for (const auto& [object, datasets] : objects) {
    CAIRN_ASSIGN_OR_RETURN(Keras3Vars vars,
                           read_object(root.get(), object, datasets, size, budget, keep_values));
    out.objects.push_back(std::move(vars));
  }
  return out;
}

}  // namespace

const Keras3Vars* Keras3Weights::find(std::string_view path) const {
  for (const Keras3Vars& object : objects) {
    if (object.path == path) return &object;
  }
  return nullptr;
}

namespace internal {

Result<Keras3Weights> decode_keras3_file(std::string_view bytes, const std::string& path,
                                         const KerasH5ReadOptions& options, bool shard) {
  const unsigned timeout = h5::dry_run_timeout(options.parse_timeout_seconds, bytes.size());
  Status probe = h5::run_isolated(
      [&] { return decode_keras3_weights(bytes, /*keep_values=*/false, options).status(); },
      timeout);
  if (!probe.ok()) return probe.with_context(path);
  Result<Keras3Weights> weights = decode_keras3_weights(bytes, /*keep_values=*/true, options);
  if (!weights.ok()) return weights.status().with_context(path);
  for (const Keras3Vars& object : weights->objects) {
    if (object.first_index != 0 && !shard) {
      return data_loss_error(path + ": the vars of '" + object.path + "' skip index 0");
    }
  }
  return weights;
}

}  // namespace internal

Result<Keras3Weights> decode_keras3_weights(std::string_view bytes, const std::string& path,
                                            const KerasH5ReadOptions& options) {
  return internal::decode_keras3_file(bytes, path, options, /*shard=*/false);
}

}  // namespace cairn
