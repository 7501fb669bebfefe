// Writes Keras .h5 files. The file is built in memory with HDF5's core
// driver, then its image is stored through the FileSystem in one atomic
// replace. Layout (include/cairn/formats/keras_h5.h, docs/formats/keras_h5.md):
//
//   whole model                               weights only
//   /  @keras_version @backend                /  @layer_names @backend @keras_version
//      @model_config [@training_config]       /<layer>  @weight_names
//   /model_weights  @layer_names              /<layer>/<weight name>   (dataset)
//                   @backend @keras_version
//   /model_weights/<layer>  @weight_names
//   /model_weights/<layer>/<weight name>      (dataset)
//   /optimizer_weights  @weight_names         (only when there are optimizer weights)
//   /optimizer_weights/<weight name>          (dataset)
#include <set>

#include "cairn/formats/hdf5/keras_h5.h"
#include "formats/hdf5/hdf5_handles.h"
#include "formats/hdf5/hdf5_strings.h"
#include "formats/hdf5/hdf5_tensors.h"

namespace cairn {
namespace {

namespace h5 = internal::h5;

Status check_weights(std::string_view owner, const std::vector<H5Weight>& weights) {
  std::set<std::string> seen;
  for (const H5Weight& w : weights) {
    CAIRN_RETURN_IF_ERROR(h5::check_relative_path("weight", w.name));
    if (!seen.insert(w.name).second) {
      return invalid_argument_error(std::string(owner) + ": weight '" + w.name + "' appears twice");
    }
    if (!h5::is_storable_dtype(w.value.dtype())) {
      return invalid_argument_error(std::string(owner) + ": weight '" + w.name + "' has dtype " +
                                    std::string(dtype_name(w.value.dtype())) +
                                    "; Keras files hold float32, float64, int32 or int64");
    }
  }
  return ok_status();
}

Status check_file(const KerasH5File& file) {
  if (file.model_config.empty() &&
      (!file.optimizer_weights.empty() || !file.training_config.empty())) {
    return invalid_argument_error(
        "training_config and optimizer weights need the whole-model layout, but model_config is "
        "empty");
  }
  std::set<std::string> seen;
  for (const H5LayerWeights& layer : file.layers) {
    CAIRN_RETURN_IF_ERROR(h5::check_relative_path("layer", layer.layer_name));
    if (!seen.insert(layer.layer_name).second) {
      return invalid_argument_error("layer '" + layer.layer_name + "' appears twice");
    }
    CAIRN_RETURN_IF_ERROR(check_weights("layer '" + layer.layer_name + "'", layer.weights));
  }
  return check_weights("optimizer_weights", file.optimizer_weights);
}

// A group holding `weights`: the weight_names attribute, then one dataset per name.
Status write_weight_group(hid_t group, const std::vector<H5Weight>& weights) {
  std::vector<std::string> names;
  for (const H5Weight& w : weights) names.push_back(w.name);
  CAIRN_RETURN_IF_ERROR(h5::write_string_list(group, "weight_names", names));
  for (const H5Weight& w : weights) CAIRN_RETURN_IF_ERROR(h5::write_tensor(group, w.name, w.value));
  return ok_status();
}

// The layer list and one group per layer, under `container` (root or model_weights).
Status write_layers(hid_t container, const KerasH5File& file) {
  std::vector<std::string> names;
  for (const H5LayerWeights& layer : file.layers) names.push_back(layer.layer_name);
  CAIRN_RETURN_IF_ERROR(h5::write_string_list(container, "layer_names", names));
  CAIRN_RETURN_IF_ERROR(h5::write_string(container, "backend", file.backend));
  CAIRN_RETURN_IF_ERROR(h5::write_string(container, "keras_version", file.keras_version));
  for (const H5LayerWeights& layer : file.layers) {
    CAIRN_ASSIGN_OR_RETURN(h5::Handle group, h5::create_group(container, layer.layer_name));
    CAIRN_RETURN_IF_ERROR(write_weight_group(group.get(), layer.weights));
  }
  return ok_status();
}

Status write_whole_model(hid_t root, const KerasH5File& file) {
  CAIRN_RETURN_IF_ERROR(h5::write_string(root, "keras_version", file.keras_version));
  CAIRN_RETURN_IF_ERROR(h5::write_string(root, "backend", file.backend));
  CAIRN_RETURN_IF_ERROR(h5::write_string(root, "model_config", file.model_config));
  if (!file.training_config.empty()) {
    CAIRN_RETURN_IF_ERROR(h5::write_string(root, "training_config", file.training_config));
  }
  CAIRN_ASSIGN_OR_RETURN(h5::Handle weights, h5::create_group(root, "model_weights"));
  CAIRN_RETURN_IF_ERROR(write_layers(weights.get(), file));
  if (file.optimizer_weights.empty()) return ok_status();
  CAIRN_ASSIGN_OR_RETURN(h5::Handle optimizer, h5::create_group(root, "optimizer_weights"));
  return write_weight_group(optimizer.get(), file.optimizer_weights);
}

Result<std::string> encode(const KerasH5File& file) {
  h5::LibraryScope scope;
  CAIRN_ASSIGN_OR_RETURN(h5::Handle image, h5::create_memory_file());
  h5::Handle root = h5::open_group(image.get(), "/");
  if (!root) return internal_error(h5::with_reason("cannot open the root group"));
  CAIRN_RETURN_IF_ERROR(file.model_config.empty() ? write_layers(root.get(), file)
                                                  : write_whole_model(root.get(), file));
  root.reset();
  return h5::file_image(image.get());
}

}  // namespace

Status write_keras_h5(const std::string& path, const KerasH5File& file, FileSystem& fs) {
  Status valid = check_file(file);
  if (!valid.ok()) return valid.with_context(path);
  Result<std::string> bytes = encode(file);
  if (!bytes.ok()) return bytes.status().with_context(path);
  return fs.write_file_atomically(path, *bytes);
}

}  // namespace cairn
