// `cairn inspect`: what a checkpoint holds, like TensorFlow's
// inspect_checkpoint tool; also what a weights file holds (.h5, .hdf5,
// .safetensors, .keras, .weights.h5), its tensors named as `cairn convert`
// names them (cairn/keras/convert.h).
//
//   cairn inspect models/iris                      name, dtype, shape per line
//   cairn inspect models/iris --tensor global_step  that tensor's values
//   cairn inspect models/iris/model.ckpt-200 --all  every tensor's values
//   cairn inspect models/iris --json                machine-readable listing
//   cairn inspect model.safetensors --all            a safetensors file's values
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "cairn/core/tensor.h"

namespace cairn::cli {

struct InspectOptions {
  std::string path;                   // prefix, one of its files, a model dir, or a weights file
  std::optional<std::string> tensor;  // print only this tensor, with values
  bool all = false;                   // print every tensor's values
  bool json = false;                  // one JSON document instead of text
};

// In JSON output without --tensor/--all, values are given for numeric
// tensors of at most this many elements.
inline constexpr int64_t kJsonValuesLimit = 4096;

// Runs the command; returns the process exit code (0 ok, 1 error). Errors are
// written to `err` as "cairn inspect: CODE: message".
int run_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

// The values of `tensor` as nested lists in row-major order, e.g.
// "[[1, 2], [3, 4]]"; strings are quoted and escaped. Exposed for tests.
std::string format_values(const Tensor& tensor);

}  // namespace cairn::cli
