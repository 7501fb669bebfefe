// Writes Keras 3 weights files (layout in include/cairn/formats/hdf5/keras3_weights.h):
//   /<path>/vars  @name      one group per object, created even without variables
//   /<path>/vars/<i>         dataset i of the object's variables, as h5py stores arrays
#include <set>

#include "cairn/formats/hdf5/keras3_weights.h"
#include "formats/hdf5/hdf5_handles.h"
#include "formats/hdf5/hdf5_strings.h"
#include "formats/hdf5/hdf5_tensors.h"

namespace cairn {
namespace {

namespace h5 = internal::h5;

// The HDF5 path of an object's vars group: "vars" for the model itself.
std::string vars_group(const std::string& path) { return path.empty() ? "vars" : path + "/vars"; }

Status check_objects(const Keras3Weights& weights) {
  std::set<std::string> seen;
  for (const Keras3Vars& object : weights.objects) {
    if (!object.path.empty()) CAIRN_RETURN_IF_ERROR(h5::check_relative_path("object", object.path));
    if (!seen.insert(object.path).second) {
      return invalid_argument_error("object '" + object.path + "' appears twice");
    }
    for (const Tensor& v : object.vars) {
      if (!h5::is_storable_dtype(v.dtype())) {
        return invalid_argument_error("object '" + object.path + "': a variable has dtype " +
                                      std::string(dtype_name(v.dtype())) +
                                      "; Keras files hold float32, float64, int32 or int64");
      }
    }
  }
  return ok_status();
}

Status write_object(hid_t root, const Keras3Vars& object) {
  CAIRN_ASSIGN_OR_RETURN(h5::Handle group, h5::create_group(root, vars_group(object.path)));
  CAIRN_RETURN_IF_ERROR(h5::write_string(group.get(), "name", object.name));
  for (size_t i = 0; i < object.vars.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(h5::write_tensor(group.get(), std::to_string(i), object.vars[i]));
  }
  return ok_status();
}

}  // namespace

Result<std::string> encode_keras3_weights(const Keras3Weights& weights) {
  CAIRN_RETURN_IF_ERROR(check_objects(weights));
  h5::LibraryScope scope;
  CAIRN_ASSIGN_OR_RETURN(h5::Handle image, h5::create_memory_file());
  h5::Handle root = h5::open_group(image.get(), "/");
  if (!root) return internal_error(h5::with_reason("cannot open the root group"));
  for (const Keras3Vars& object : weights.objects) {
    CAIRN_RETURN_IF_ERROR(write_object(root.get(), object));
  }
  root.reset();
  return h5::file_image(image.get());
}

}  // namespace cairn
