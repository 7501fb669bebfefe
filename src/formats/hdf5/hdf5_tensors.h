// Tensors as HDF5 datasets, the way h5py stores numpy arrays for Keras:
// contiguous, unfiltered, little-endian IEEE floats or two's-complement
// integers, with a scalar dataspace for rank 0. Internal.
//
//   CAIRN_RETURN_IF_ERROR(h5::write_tensor(group, "dense/kernel:0", kernel));
//   h5::ReadBudget budget{.stored = image_size, .filtered = 1 << 30};
//   CAIRN_ASSIGN_OR_RETURN(Tensor k, h5::read_tensor(group, "dense/kernel:0", budget));
//   CAIRN_ASSIGN_OR_RETURN(auto names, h5::list_datasets(group, image_size));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hdf5.h>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"

namespace cairn::internal::h5 {

// True for the dtypes Keras files carry: float32, float64, int32, int64.
bool is_storable_dtype(DType dtype);

// Creates the dataset `name` under `loc`, making the groups its '/'-separated
// prefix names. INVALID_ARGUMENT for other dtypes; INTERNAL if HDF5 fails
// (e.g. the name is taken).
Status write_tensor(hid_t loc, const std::string& name, const Tensor& tensor);

// The bytes the datasets of one file may still decode to, spent by each
// read_tensor. Elements stored as they are (compact, contiguous or unfiltered
// chunks) come from the file, so together they fit in its size, however often
// a list names one dataset; filtered (compressed) ones are bounded by a
// stated limit instead, and each by its stored size times deflate's ratio.
struct ReadBudget {
  uint64_t stored;    // starts at the file's size
  uint64_t filtered;  // starts at the caller's limit on decompressed bytes
};

// Reads the dataset `name` under `loc` and spends its bytes from `budget`.
// DATA_LOSS if it is missing, is not a dataset, decodes to more bytes than
// the budget has left, or lives outside the file (external or virtual
// storage); UNIMPLEMENTED for element types cairn does not map.
Result<Tensor> read_tensor(hid_t loc, const std::string& name, ReadBudget& budget);

// Paths, relative to `group`, of every dataset below it, depth first in name
// order ("Adam/dense/bias/m:0", "Adam/iter:0", ...). `max_bytes` (the file's
// size) bounds the links visited, so a cycle of hard links cannot loop forever.
Result<std::vector<std::string>> list_datasets(hid_t group, uint64_t max_bytes);

}  // namespace cairn::internal::h5
