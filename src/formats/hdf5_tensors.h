// Tensors as HDF5 datasets, the way h5py stores numpy arrays for Keras:
// contiguous, unfiltered, little-endian IEEE floats or two's-complement
// integers, with a scalar dataspace for rank 0. Internal.
//
//   CAIRN_RETURN_IF_ERROR(h5::write_tensor(group, "dense/kernel:0", kernel));
//   CAIRN_ASSIGN_OR_RETURN(Tensor k, h5::read_tensor(group, "dense/kernel:0", image_size));
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

// Reads the dataset `name` under `loc`. DATA_LOSS if it is missing, is not a
// dataset, has a shape or size the file (of `max_bytes` bytes) cannot hold, or
// lives outside the file (external or virtual storage); UNIMPLEMENTED for
// element types cairn does not map.
Result<Tensor> read_tensor(hid_t loc, const std::string& name, uint64_t max_bytes);

// Paths, relative to `group`, of every dataset below it, depth first in name
// order ("Adam/dense/bias/m:0", "Adam/iter:0", ...). `max_bytes` (the file's
// size) bounds the links visited, so a cycle of hard links cannot loop forever.
Result<std::vector<std::string>> list_datasets(hid_t group, uint64_t max_bytes);

}  // namespace cairn::internal::h5
