// String attributes: encodings in hdf5_strings.h.
#include "formats/hdf5/hdf5_strings.h"

#include <algorithm>
#include <cstring>

#include "formats/hdf5/hdf5_handles.h"

namespace cairn::internal::h5 {
namespace {

std::string describe(hid_t loc, const std::string& name) {
  return "attribute '" + name + "' of " + object_path(loc);
}

Handle string_type(size_t size, H5T_cset_t cset, H5T_str_t pad) {
  Handle type = own_datatype(H5Tcopy(H5T_C_S1));
  if (type && (H5Tset_size(type.get(), size) < 0 || H5Tset_cset(type.get(), cset) < 0 ||
               H5Tset_strpad(type.get(), pad) < 0)) {
    return {};
  }
  return type;
}

Status write_attribute(hid_t loc, const std::string& name, hid_t type, hid_t space,
                       const void* data) {
  Handle attribute(H5Acreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attribute || H5Awrite(attribute.get(), type, data) < 0) {
    return internal_error(with_reason("cannot write " + describe(loc, name)));
  }
  return ok_status();
}

// Keras's encoding of a list with no names: an empty float64 array.
Status write_empty_list(hid_t loc, const std::string& name) {
  const hsize_t dims[1] = {0};
  Handle space = own_dataspace(H5Screate_simple(1, dims, nullptr));
  const double unused = 0;
  return write_attribute(loc, name, H5T_NATIVE_DOUBLE, space.get(), &unused);
}

Status write_fixed_strings(hid_t loc, const std::string& name, const std::string* values,
                           size_t count, size_t width) {
  std::string buffer(count * width, '\0');
  for (size_t i = 0; i < count; ++i) values[i].copy(buffer.data() + i * width, width);
  const hsize_t dims[1] = {count};
  Handle space = own_dataspace(H5Screate_simple(1, dims, nullptr));
  Handle type = string_type(width, H5T_CSET_ASCII, H5T_STR_NULLPAD);
  if (!space || !type) return internal_error(with_reason("cannot describe " + describe(loc, name)));
  return write_attribute(loc, name, type.get(), space.get(), buffer.data());
}

// Fixed-length strings end at the first NUL (or, space-padded, at trailing blanks).
std::string trim_fixed(const char* data, size_t width, H5T_str_t pad) {
  std::string s(data, strnlen(data, width));
  if (pad == H5T_STR_SPACEPAD) s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

Result<std::vector<std::string>> read_fixed(hid_t attribute, hid_t type, size_t count) {
  const size_t width = H5Tget_size(type);
  std::string buffer(count * width, '\0');
  if (width == 0 || H5Aread(attribute, type, buffer.data()) < 0) {
    return data_loss_error(with_reason("cannot read fixed-length strings"));
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i)
    out.push_back(trim_fixed(buffer.data() + i * width, width, H5Tget_strpad(type)));
  return out;
}

Result<std::vector<std::string>> read_variable(hid_t attribute, hid_t type, size_t count) {
  Handle memory = string_type(H5T_VARIABLE, H5Tget_cset(type), H5T_STR_NULLTERM);
  std::vector<char*> pointers(count, nullptr);
  if (!memory || H5Aread(attribute, memory.get(), pointers.data()) < 0) {
    return data_loss_error(with_reason("cannot read variable-length strings"));
  }
  std::vector<std::string> out;
  for (char* p : pointers) {
    out.emplace_back(p != nullptr ? p : "");
    if (p != nullptr) H5free_memory(p);
  }
  return out;
}

// Element count of a scalar or 1-D attribute; -1 for any other shape.
int64_t element_count(hid_t space) {
  const H5S_class_t kind = H5Sget_simple_extent_type(space);
  if (kind == H5S_SCALAR) return 1;
  if (kind == H5S_NULL) return 0;
  if (kind != H5S_SIMPLE || H5Sget_simple_extent_ndims(space) != 1) return -1;
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  return dims[0] > static_cast<hsize_t>(INT64_MAX) ? -1 : static_cast<int64_t>(dims[0]);
}

Result<std::vector<std::string>> read_one(hid_t loc, const std::string& name, uint64_t max_bytes) {
  Handle attribute = open_attribute(loc, name);
  if (!attribute) return data_loss_error(with_reason("missing " + describe(loc, name)));
  Handle space = dataspace_of_attribute(attribute.get());
  Handle type = datatype_of_attribute(attribute.get());
  const int64_t count = space ? element_count(space.get()) : -1;
  if (!type || count < 0) {
    return data_loss_error(describe(loc, name) + ": expected a string or a 1-D array of strings");
  }
  const H5T_class_t kind = H5Tget_class(type.get());
  if (kind != H5T_STRING) {
    if (count == 0) return std::vector<std::string>{};  // Keras's empty list
    return data_loss_error(describe(loc, name) + ": expected strings, found a non-string type");
  }
  if (count == 0) return std::vector<std::string>{};
  const bool variable = H5Tis_variable_str(type.get()) > 0;
  const uint64_t width = variable ? sizeof(char*) : H5Tget_size(type.get());
  if (static_cast<uint64_t>(count) > max_bytes / std::max<uint64_t>(width, 1)) {
    return data_loss_error(describe(loc, name) + ": " + std::to_string(count) +
                           " strings cannot fit in a file of " + std::to_string(max_bytes) +
                           " bytes");
  }
  auto values = variable ? read_variable(attribute.get(), type.get(), static_cast<size_t>(count))
                         : read_fixed(attribute.get(), type.get(), static_cast<size_t>(count));
  if (!values.ok()) return values.status().with_context(describe(loc, name));
  return values;
}

}  // namespace

Status write_string(hid_t loc, const std::string& name, std::string_view value) {
  const std::string text(value);
  const char* pointer = text.c_str();
  Handle space = own_dataspace(H5Screate(H5S_SCALAR));
  Handle type = string_type(H5T_VARIABLE, H5T_CSET_ASCII, H5T_STR_NULLTERM);
  if (!space || !type) return internal_error(with_reason("cannot describe " + describe(loc, name)));
  return write_attribute(loc, name, type.get(), space.get(), &pointer);
}

Status write_string_list(hid_t loc, const std::string& name,
                         const std::vector<std::string>& values) {
  if (values.empty()) return write_empty_list(loc, name);
  size_t width = 1;
  for (const std::string& v : values) width = std::max(width, v.size());
  if (width > kAttributeByteLimit) {
    return invalid_argument_error(describe(loc, name) + ": a name of " + std::to_string(width) +
                                  " bytes exceeds HDF5's attribute limit");
  }
  // The fewest chunks whose largest (ceil(n / chunks) names) fits the limit.
  const size_t per_chunk_max = kAttributeByteLimit / width;
  const size_t chunks = (values.size() + per_chunk_max - 1) / per_chunk_max;
  if (chunks <= 1) return write_fixed_strings(loc, name, values.data(), values.size(), width);
  size_t begin = 0;
  for (size_t c = 0; c < chunks; ++c) {
    // Like numpy.array_split: the first (n % chunks) chunks take one extra name.
    const size_t size = values.size() / chunks + (c < values.size() % chunks ? 1 : 0);
    CAIRN_RETURN_IF_ERROR(
        write_fixed_strings(loc, name + std::to_string(c), values.data() + begin, size, width));
    begin += size;
  }
  return ok_status();
}

bool has_string_list(hid_t loc, const std::string& name) {
  return has_attribute(loc, name) || has_attribute(loc, name + "0");
}

Result<std::string> read_string(hid_t loc, const std::string& name, uint64_t max_bytes) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> values, read_one(loc, name, max_bytes));
  if (values.size() != 1) {
    return data_loss_error(describe(loc, name) + ": expected one string, found " +
                           std::to_string(values.size()));
  }
  return std::move(values[0]);
}

Result<std::vector<std::string>> read_string_list(hid_t loc, const std::string& name,
                                                  uint64_t max_bytes) {
  if (has_attribute(loc, name) || !has_attribute(loc, name + "0")) {
    return read_one(loc, name, max_bytes);
  }
  std::vector<std::string> all;
  for (int c = 0; has_attribute(loc, name + std::to_string(c)); ++c) {
    CAIRN_ASSIGN_OR_RETURN(auto part, read_one(loc, name + std::to_string(c), max_bytes));
    if (part.size() > max_bytes - std::min<uint64_t>(all.size(), max_bytes)) {
      return data_loss_error(describe(loc, name) + ": more names than the file could hold");
    }
    all.insert(all.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  return all;
}

}  // namespace cairn::internal::h5
