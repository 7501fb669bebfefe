// IDX files, the format of MNIST and Fashion-MNIST (train-images-idx3-ubyte,
// train-labels-idx1-ubyte), plain or gzip-compressed as Debian's
// dataset-fashion-mnist ships them.
//
//   cairn::Tensor images = cairn::data::read_idx(
//       "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");  // uint8 [60000, 28, 28]
//   cairn::Tensor labels = cairn::data::read_idx(".../train-labels-idx1-ubyte.gz");  // uint8
//   [60000]
//
// Layout: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16,
// 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, each
// dimension as a big-endian uint32, then the elements big-endian, row-major.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn::data {

struct IdxOptions {
  // Read at most this many items along the first dimension (0: all).
  int64_t limit = 0;
};

// Parses IDX bytes (already decompressed). DATA_LOSS naming `name` for a bad
// magic, a truncated body or trailing bytes.
Result<Tensor> parse_idx(std::string_view bytes, const std::string& name, IdxOptions options = {});

// Reads `path`, gunzipping it when it ends in ".gz".
Result<Tensor> read_idx(FileSystem& fs, const std::string& path, IdxOptions options = {});
// Throwing form: NotFoundError, DataLossError.
Tensor read_idx(const std::string& path, IdxOptions options = {});

}  // namespace cairn::data
