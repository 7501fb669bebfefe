// Reads Keras .h5 files written by Keras 2.1 to 3 (layouts in
// include/cairn/formats/keras_h5.h and docs/formats/keras_h5.md). The whole
// file is read through the FileSystem and opened as an in-memory HDF5 image.
// Where the layer list lives decides the layout, as in Keras's load_weights:
// `layer_names` on the root means weights only, else it is on /model_weights.
// Sizes read from the file are checked against the file's size before
// anything is allocated for them, and so is the sum of the weights read.
#include "cairn/formats/hdf5/keras_h5.h"

#include <set>
#include <string_view>

#include "formats/hdf5/hdf5_handles.h"
#include "formats/hdf5/hdf5_sandbox.h"
#include "formats/hdf5/hdf5_strings.h"
#include "formats/hdf5/hdf5_tensors.h"

namespace cairn {
namespace {

namespace h5 = internal::h5;

// A string attribute that may be absent (""), e.g. training_config.
Result<std::string> optional_string(hid_t loc, const std::string& name, uint64_t size) {
  if (!h5::has_attribute(loc, name)) return std::string();
  return h5::read_string(loc, name, size);
}

Result<h5::Handle> open_group(hid_t parent, const std::string& name, std::string_view why) {
  h5::Handle group = h5::open_group(parent, name);
  if (!group) {
    return data_loss_error(h5::with_reason("group " +
                                           h5::child_path(h5::object_path(parent), name) + " " +
                                           std::string(why) + " is missing"));
  }
  return group;
}

// What decoding reads: the file's size bounds allocations and, with the
// limit on decompressed bytes, the weights read in all; a dry run drops each
// value once it has been read, to keep memory flat.
struct Source {
  uint64_t size;
  bool keep_values;
  h5::ReadBudget budget;
};

// DATA_LOSS naming `list` when a name appears in it twice: each names one
// object, so a repeat could only read the same bytes again.
Status check_unique(const std::vector<std::string>& names, const std::string& list) {
  std::set<std::string_view> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) return data_loss_error(list + " lists '" + name + "' twice");
  }
  return ok_status();
}

// The datasets `names` (relative to `group`), in that order.
Result<std::vector<H5Weight>> read_weights(hid_t group, const std::vector<std::string>& names,
                                           Source& source) {
  CAIRN_RETURN_IF_ERROR(check_unique(names, h5::object_path(group) + " weight_names"));
  std::vector<H5Weight> weights;
  for (const std::string& name : names) {
    CAIRN_ASSIGN_OR_RETURN(Tensor value, h5::read_tensor(group, name, source.budget));
    weights.push_back({name, source.keep_values ? std::move(value) : Tensor()});
  }
  return weights;
}

Result<std::vector<H5LayerWeights>> read_layers(hid_t container, Source& source) {
  const uint64_t size = source.size;
  CAIRN_ASSIGN_OR_RETURN(auto layer_names, h5::read_string_list(container, "layer_names", size));
  CAIRN_RETURN_IF_ERROR(check_unique(layer_names, h5::object_path(container) + " layer_names"));
  std::vector<H5LayerWeights> layers;
  for (const std::string& layer_name : layer_names) {
    CAIRN_ASSIGN_OR_RETURN(h5::Handle group,
                           open_group(container, layer_name, "(listed in layer_names)"));
    CAIRN_ASSIGN_OR_RETURN(auto names, h5::read_string_list(group.get(), "weight_names", size));
    CAIRN_ASSIGN_OR_RETURN(auto weights, read_weights(group.get(), names, source));
    layers.push_back({.layer_name = layer_name, .weights = std::move(weights)});
  }
  return layers;
}

// Keras 2 lists the optimizer's weights in weight_names; a file without the
// list gets every dataset below the group, in name order.
Result<std::vector<H5Weight>> read_optimizer(hid_t root, Source& source) {
  const uint64_t size = source.size;
  CAIRN_ASSIGN_OR_RETURN(h5::Handle group, open_group(root, "optimizer_weights", ""));
  std::vector<std::string> names;
  if (h5::has_string_list(group.get(), "weight_names")) {
    CAIRN_ASSIGN_OR_RETURN(names, h5::read_string_list(group.get(), "weight_names", size));
  } else {
    CAIRN_ASSIGN_OR_RETURN(names, h5::list_datasets(group.get(), size));
  }
  return read_weights(group.get(), names, source);
}

// The group that lists the layers: the root (weights only) or /model_weights.
Result<h5::Handle> layer_container(hid_t root) {
  if (h5::has_string_list(root, "layer_names")) return open_group(root, ".", "");
  if (h5::has_link(root, "model_weights")) return open_group(root, "model_weights", "");
  return data_loss_error(
      "not a Keras HDF5 file: neither / nor /model_weights has a layer_names attribute");
}

Status read_versions(hid_t root, hid_t container, uint64_t size, KerasH5File& file) {
  CAIRN_ASSIGN_OR_RETURN(file.keras_version, optional_string(root, "keras_version", size));
  CAIRN_ASSIGN_OR_RETURN(file.backend, optional_string(root, "backend", size));
  if (file.keras_version.empty()) {
    CAIRN_ASSIGN_OR_RETURN(file.keras_version, optional_string(container, "keras_version", size));
  }
  if (file.backend.empty()) {
    CAIRN_ASSIGN_OR_RETURN(file.backend, optional_string(container, "backend", size));
  }
  return ok_status();
}

Result<KerasH5File> decode_keras_h5(std::string_view bytes, bool keep_values,
                                    const KerasH5ReadOptions& options) {
  h5::LibraryScope scope;
  const uint64_t size = bytes.size();
  Source source{.size = size,
                .keep_values = keep_values,
                .budget = {.stored = size, .filtered = options.max_decompressed_bytes}};
  CAIRN_ASSIGN_OR_RETURN(h5::Handle image, h5::open_file_image(bytes));
  CAIRN_ASSIGN_OR_RETURN(h5::Handle root, open_group(image.get(), "/", "(the root)"));
  CAIRN_ASSIGN_OR_RETURN(h5::Handle container, layer_container(root.get()));
  KerasH5File file;
  CAIRN_RETURN_IF_ERROR(read_versions(root.get(), container.get(), size, file));
  CAIRN_ASSIGN_OR_RETURN(file.model_config, optional_string(root.get(), "model_config", size));
  CAIRN_ASSIGN_OR_RETURN(file.training_config,
                         optional_string(root.get(), "training_config", size));
  CAIRN_ASSIGN_OR_RETURN(file.layers, read_layers(container.get(), source));
  const bool weights_only = h5::object_path(container.get()) == "/";
  if (!weights_only && h5::has_link(root.get(), "optimizer_weights")) {
    CAIRN_ASSIGN_OR_RETURN(file.optimizer_weights, read_optimizer(root.get(), source));
  }
  return file;
}

}  // namespace

Result<KerasH5File> read_keras_h5(const std::string& path, FileSystem& fs,
                                  const KerasH5ReadOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string bytes, fs.read_file(path));
  // A dry run in a child process first: HDF5 may crash or hang on corrupt bytes.
  const unsigned timeout = h5::dry_run_timeout(options.parse_timeout_seconds, bytes.size());
  Status probe = h5::run_isolated(
      [&] { return decode_keras_h5(bytes, /*keep_values=*/false, options).status(); }, timeout);
  if (!probe.ok()) return probe.with_context(path);
  Result<KerasH5File> file = decode_keras_h5(bytes, /*keep_values=*/true, options);
  if (!file.ok()) return file.status().with_context(path);
  return file;
}

}  // namespace cairn
