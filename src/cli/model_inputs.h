// Internal to cli: the named inputs of `cairn predict MODEL --inputs IN.json`,
// read from {"inputs": {"<input layer name>": nested array, ...}}: each
// array is [samples, ...] in the input's shape (json_tensor.h's nesting).
//
//   NamedInputs inputs = read_model_inputs("in.json");
//   Tensor x = inputs.take("input_1", {28, 28, 1}, "in.json");
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn::cli {

// The largest IN.json read: a batch of inputs, not a dataset.
inline constexpr uint64_t kMaxInputsFileBytes = uint64_t{1} << 30;

class NamedInputs {
 public:
  NamedInputs(std::string path, std::map<std::string, Tensor> tensors)
      : path_(std::move(path)), tensors_(std::move(tensors)) {}

  // The input `name` as float32 [samples, shape...]. For a model of one
  // input (`only_input`), a file holding one input is taken whatever its
  // name. Throws InvalidArgumentError naming the file, the input and the
  // shape expected when the input is missing or shaped otherwise.
  Tensor take(const std::string& name, const std::vector<int64_t>& shape, bool only_input) const;

  // Names in the file that no take() asked for, in order.
  std::vector<std::string> unused(const std::vector<std::string>& taken) const;

 private:
  std::string path_;
  std::map<std::string, Tensor> tensors_;
};

// Throws InvalidArgumentError (not JSON, no "inputs" object, a ragged or
// non-numeric array) or NotFoundError naming `path`.
NamedInputs read_model_inputs(const std::string& path, FileSystem& fs = default_file_system());

}  // namespace cairn::cli
