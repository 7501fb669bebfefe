// String attributes in HDF5, encoded the way Keras 2 writes them through
// h5py, and decoded in every form Keras 2.1 to 3 produced. Internal.
//
//   CAIRN_RETURN_IF_ERROR(h5::write_string(root, "backend", "tensorflow"));
//   CAIRN_RETURN_IF_ERROR(h5::write_string_list(group, "weight_names", names));
//   CAIRN_ASSIGN_OR_RETURN(auto names, h5::read_string_list(group, "weight_names", limit));
//
// Written forms:
// - a single string: a scalar, variable-length, ASCII-tagged string;
// - a list of names: a 1-D array of fixed-length, NUL-padded strings whose
//   length is the longest name's; an empty list is an empty float64 array
//   (what h5py makes of Keras's `np.asarray([])`). A list longer than HDF5's
//   64 KiB object-header budget is split, as Keras does, into attributes
//   `<name>0`, `<name>1`, ... of nearly equal length.
// Read forms: fixed- or variable-length strings, scalar or 1-D, whole or split.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <hdf5.h>

#include "cairn/core/status.h"

namespace cairn::internal::h5 {

// Bytes a single attribute may hold in Keras's files (HDF5_OBJECT_HEADER_LIMIT).
inline constexpr size_t kAttributeByteLimit = 64512;

// Writes the attribute `name` of `loc` (a file, group or dataset).
Status write_string(hid_t loc, const std::string& name, std::string_view value);
Status write_string_list(hid_t loc, const std::string& name,
                         const std::vector<std::string>& values);

// True when `loc` holds the attribute `name`, whole or split into `<name>0...`.
bool has_string_list(hid_t loc, const std::string& name);

// Reads a single string; DATA_LOSS naming the attribute and its object if it
// is absent, not a string, or more than one. `max_bytes` bounds what may be
// allocated for it (the file's size).
Result<std::string> read_string(hid_t loc, const std::string& name, uint64_t max_bytes);

// Reads a list of strings (whole or split); DATA_LOSS as above.
Result<std::vector<std::string>> read_string_list(hid_t loc, const std::string& name,
                                                  uint64_t max_bytes);

}  // namespace cairn::internal::h5
