#include "cli/model_inputs.h"

#include <algorithm>

#include "cairn/core/errors.h"
#include "cairn/formats/json_limits.h"
#include "cli/json_tensor.h"

namespace cairn::cli {

namespace {

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + "]";
}

// "[samples, 28, 28, 1]".
std::string expected_text(const std::vector<int64_t>& shape) {
  std::string out = "[samples";
  for (int64_t d : shape) out += ", " + std::to_string(d);
  return out + "]";
}

}  // namespace

Tensor NamedInputs::take(const std::string& name, const std::vector<int64_t>& shape,
                         bool only_input) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end() && only_input && tensors_.size() == 1) it = tensors_.begin();
  if (it == tensors_.end()) {
    std::string given;
    for (const auto& [n, t] : tensors_) given += (given.empty() ? "" : ", ") + n;
    throw InvalidArgumentError(
        path_ + ": the model's input '" + name +
        "' is not in \"inputs\" (it holds: " + (given.empty() ? "nothing" : given) + ")");
  }
  const std::vector<int64_t>& dims = it->second.shape().dims();
  if (dims.size() != shape.size() + 1 ||
      !std::equal(shape.begin(), shape.end(), dims.begin() + 1)) {
    throw InvalidArgumentError(path_ + ": input '" + it->first + "' has shape " + dims_text(dims) +
                               "; the model expects " + expected_text(shape));
  }
  return it->second;
}

std::vector<std::string> NamedInputs::unused(const std::vector<std::string>& taken) const {
  std::vector<std::string> out;
  for (const auto& [name, t] : tensors_) {
    if (std::find(taken.begin(), taken.end(), name) == taken.end()) out.push_back(name);
  }
  return out;
}

NamedInputs read_model_inputs(const std::string& path, FileSystem& fs) {
  const uint64_t size = value_or_throw(fs.file_size(path));
  if (size > kMaxInputsFileBytes) {
    throw InvalidArgumentError(path + ": " + std::to_string(size) +
                               " bytes is more than the 1 GiB an inputs file may hold");
  }
  const std::string text = value_or_throw(fs.read_file(path));
  const nlohmann::json doc = value_or_throw(parse_untrusted_json<nlohmann::json>(text, path));
  if (!doc.is_object() || !doc.contains("inputs") || !doc["inputs"].is_object()) {
    throw InvalidArgumentError(path + ": expected {\"inputs\": {\"<input name>\": [...], ...}}");
  }
  std::map<std::string, Tensor> tensors;
  for (const auto& [name, value] : doc["inputs"].items()) {
    Tensor t = json_to_tensor(value, DType::kFloat32, path + ": input '" + name + "'");
    if (t.shape().rank() == 0) {
      throw InvalidArgumentError(path + ": input '" + name +
                                 "' is a scalar; give [samples, ...] arrays");
    }
    tensors.emplace(name, std::move(t));
  }
  return NamedInputs(path, std::move(tensors));
}

}  // namespace cairn::cli
