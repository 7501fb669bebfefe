// Tensors as HDF5 datasets: encoding in hdf5_tensors.h.
#include "formats/hdf5/hdf5_tensors.h"

#include <optional>

#include "cairn/core/tensor_size.h"
#include "formats/hdf5/hdf5_handles.h"

namespace cairn::internal::h5 {
namespace {

// deflate, the densest filter h5py offers, expands data at most about 1032:1.
constexpr uint64_t kMaxFilterExpansion = 1032;

// The type a dtype has on disk (little-endian, as h5py writes on x86) and in memory.
hid_t file_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return H5T_IEEE_F32LE;
    case DType::kFloat64:
      return H5T_IEEE_F64LE;
    case DType::kInt32:
      return H5T_STD_I32LE;
    case DType::kInt64:
      return H5T_STD_I64LE;
    default:
      return -1;
  }
}

hid_t memory_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return H5T_NATIVE_FLOAT;
    case DType::kFloat64:
      return H5T_NATIVE_DOUBLE;
    case DType::kInt32:
      return H5T_NATIVE_INT32;
    case DType::kInt64:
      return H5T_NATIVE_INT64;
    default:
      return -1;
  }
}

std::optional<DType> dtype_of_type(hid_t type) {
  const size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      if (size == 4) return DType::kFloat32;
      if (size == 8) return DType::kFloat64;
      return std::nullopt;
    case H5T_INTEGER:
      if (H5Tget_sign(type) != H5T_SGN_2) return std::nullopt;
      if (size == 4) return DType::kInt32;
      if (size == 8) return DType::kInt64;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Handle dataspace_for(const TensorShape& shape) {
  if (shape.rank() == 0) return own_dataspace(H5Screate(H5S_SCALAR));
  std::vector<hsize_t> dims(shape.dims().begin(), shape.dims().end());
  return own_dataspace(H5Screate_simple(shape.rank(), dims.data(), nullptr));
}

Result<TensorShape> dataspace_shape(hid_t space) {
  const H5S_class_t kind = H5Sget_simple_extent_type(space);
  if (kind == H5S_SCALAR) return TensorShape{};
  const int rank = H5Sget_simple_extent_ndims(space);
  if (kind != H5S_SIMPLE || rank < 0) return data_loss_error("expected a scalar or an array");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (H5Sget_simple_extent_dims(space, dims.data(), nullptr) != rank) {
    return data_loss_error(with_reason("cannot read the shape"));
  }
  std::vector<int64_t> out;
  for (hsize_t d : dims) {
    if (d > static_cast<hsize_t>(INT64_MAX)) return data_loss_error("a dimension is too large");
    out.push_back(static_cast<int64_t>(d));
  }
  return TensorShape(std::move(out));
}

// Where the elements live: inside the file, unfiltered or not.
Result<bool> is_filtered(hid_t dataset) {
  Handle plist = own_plist(H5Dget_create_plist(dataset));
  if (!plist) return data_loss_error(with_reason("cannot read the storage properties"));
  const H5D_layout_t layout = H5Pget_layout(plist.get());
  if (layout != H5D_COMPACT && layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED) {
    return data_loss_error("expected contiguous, compact or chunked storage in the file");
  }
  if (H5Pget_external_count(plist.get()) != 0) {
    return data_loss_error("elements stored in external files are not read");
  }
  return H5Pget_nfilters(plist.get()) > 0;
}

// The budget a dataset draws from, and the most it may take of it.
struct Allowance {
  uint64_t* left;
  uint64_t bytes;
  const char* what;
};

Result<Allowance> allowance(hid_t dataset, ReadBudget& budget) {
  CAIRN_ASSIGN_OR_RETURN(bool filtered, is_filtered(dataset));
  if (!filtered) return Allowance{&budget.stored, budget.stored, "the file's bytes not yet read"};
  const uint64_t stored = H5Dget_storage_size(dataset);
  const uint64_t most =
      stored > UINT64_MAX / kMaxFilterExpansion ? UINT64_MAX : stored * kMaxFilterExpansion;
  return Allowance{&budget.filtered, std::min(most, budget.filtered),
                   "the limit on decompressed bytes still unspent"};
}

Result<Tensor> read_open_dataset(hid_t dataset, ReadBudget& budget) {
  Handle type = datatype_of_dataset(dataset);
  Handle space = dataspace_of_dataset(dataset);
  if (!type || !space) return data_loss_error(with_reason("cannot read the type and shape"));
  const std::optional<DType> dtype = dtype_of_type(type.get());
  if (!dtype) {
    return unimplemented_error("element type is not float32, float64, int32 or int64 (HDF5 class " +
                               std::to_string(static_cast<int>(H5Tget_class(type.get()))) + ", " +
                               std::to_string(H5Tget_size(type.get())) + " bytes)");
  }
  CAIRN_ASSIGN_OR_RETURN(TensorShape shape, dataspace_shape(space.get()));
  CAIRN_ASSIGN_OR_RETURN(Allowance allowed, allowance(dataset, budget));
  const auto limit =
      static_cast<int64_t>(std::min<uint64_t>(allowed.bytes, static_cast<uint64_t>(INT64_MAX)));
  Result<TensorSize> size = tensor_size(*dtype, shape, limit);
  if (!size.ok()) {
    return data_loss_error(std::string("larger than ") + allowed.what + " (" +
                           std::to_string(allowed.bytes) + " bytes): " + size.status().message());
  }
  *allowed.left -= static_cast<uint64_t>(size->bytes);
  Tensor tensor(*dtype, std::move(shape));
  if (tensor.num_elements() > 0 &&
      H5Dread(dataset, memory_type(*dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data()) < 0) {
    return data_loss_error(with_reason("cannot read the elements"));
  }
  return tensor;
}

// A depth-first walk over the datasets below a group, bounded in links and depth.
struct Walk {
  static constexpr int kMaxDepth = 64;
  uint64_t budget;  // links still allowed
  std::vector<std::string> datasets;
};

Status list_into(hid_t group, const std::string& prefix, int depth, Walk& walk);

Result<std::string> link_name(hid_t group, hsize_t index) {
  ssize_t n =
      H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nullptr, 0, H5P_DEFAULT);
  std::string name(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n <= 0 || H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, name.data(),
                                   name.size() + 1, H5P_DEFAULT) != n) {
    return data_loss_error(with_reason("cannot read the link names of " + object_path(group)));
  }
  return name;
}

// Visits the link at `index` of `group` (in name order).
Status visit_link(hid_t group, hsize_t index, const std::string& prefix, int depth, Walk& walk) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, link_name(group, index));
  H5L_info_t info;
  if (H5Lget_info(group, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5L_TYPE_HARD) {
    return ok_status();  // soft and external links point elsewhere; skip them
  }
  Handle object = open_object(group, name);
  if (!object) {
    return data_loss_error(with_reason("cannot open " + child_path(object_path(group), name)));
  }
  const H5I_type_t kind = H5Iget_type(object.get());
  if (kind == H5I_DATASET) walk.datasets.push_back(prefix + name);
  if (kind != H5I_GROUP) return ok_status();
  return list_into(object.get(), prefix + name + "/", depth + 1, walk);
}

Status list_into(hid_t group, const std::string& prefix, int depth, Walk& walk) {
  H5G_info_t info;
  if (depth > Walk::kMaxDepth) {
    return data_loss_error(object_path(group) + ": groups nested deeper than " +
                           std::to_string(Walk::kMaxDepth) + " levels (a cycle?)");
  }
  if (H5Gget_info(group, &info) < 0) {
    return data_loss_error(with_reason("cannot list " + object_path(group)));
  }
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    if (walk.budget == 0) {
      return data_loss_error("more links below " + object_path(group) +
                             " than the file can hold (a cycle?)");
    }
    --walk.budget;
    CAIRN_RETURN_IF_ERROR(visit_link(group, i, prefix, depth, walk));
  }
  return ok_status();
}

}  // namespace

bool is_storable_dtype(DType dtype) { return file_type(dtype) >= 0; }

Status write_tensor(hid_t loc, const std::string& name, const Tensor& tensor) {
  const std::string where = child_path(object_path(loc), name);
  if (!is_storable_dtype(tensor.dtype())) {
    return invalid_argument_error(where + ": dtype " + std::string(dtype_name(tensor.dtype())) +
                                  " cannot be stored; use float32, float64, int32 or int64");
  }
  Handle space = dataspace_for(tensor.shape());
  Handle links = own_plist(H5Pcreate(H5P_LINK_CREATE));
  if (!space || !links || H5Pset_create_intermediate_group(links.get(), 1) < 0) {
    return internal_error(with_reason(where + ": cannot describe the dataset"));
  }
  Handle dataset(H5Dcreate2(loc, name.c_str(), file_type(tensor.dtype()), space.get(), links.get(),
                            H5P_DEFAULT, H5P_DEFAULT),
                 H5Dclose);
  if (!dataset) return internal_error(with_reason(where + ": cannot create the dataset"));
  if (tensor.num_elements() > 0 && H5Dwrite(dataset.get(), memory_type(tensor.dtype()), H5S_ALL,
                                            H5S_ALL, H5P_DEFAULT, tensor.data()) < 0) {
    return internal_error(with_reason(where + ": cannot write the dataset"));
  }
  return ok_status();
}

Result<Tensor> read_tensor(hid_t loc, const std::string& name, ReadBudget& budget) {
  const std::string where = "dataset " + child_path(object_path(loc), name);
  if (!has_link(loc, name)) return data_loss_error(with_reason("missing " + where));
  Handle dataset = open_dataset(loc, name);
  if (!dataset) return data_loss_error(with_reason(where + ": expected a dataset"));
  auto tensor = read_open_dataset(dataset.get(), budget);
  if (!tensor.ok()) return tensor.status().with_context(where);
  return tensor;
}

Result<std::vector<std::string>> list_datasets(hid_t group, uint64_t max_bytes) {
  Walk walk{.budget = max_bytes, .datasets = {}};
  CAIRN_RETURN_IF_ERROR(list_into(group, "", 0, walk));
  return std::move(walk.datasets);
}

}  // namespace cairn::internal::h5
