// String tensors in safetensors metadata (string_tensor_metadata.h).
#include "keras/saving/string_tensor_metadata.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/core/tensor_size.h"
#include "cairn/formats/json_limits.h"

namespace cairn::keras::internal {
namespace {

using Json = nlohmann::json;

constexpr char kHexDigits[] = "0123456789abcdef";

std::string to_hex(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 15];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// The tensor an entry's JSON `text` describes, or why not.
Result<Tensor> decode(const std::string& text, const std::string& source) {
  CAIRN_ASSIGN_OR_RETURN(Json doc, parse_untrusted_json<Json>(text, source, 3));
  if (!doc.is_object() || !doc.contains("shape") || !doc["shape"].is_array() ||
      !doc.contains("hex") || !doc["hex"].is_array()) {
    return data_loss_error(source + " needs a \"shape\" list and a \"hex\" list");
  }
  std::vector<int64_t> dims;
  for (const Json& d : doc["shape"]) {
    if (!d.is_number_unsigned() || d.get<uint64_t>() > (uint64_t{1} << 62)) {
      return data_loss_error(source + " has a dimension that is not a non-negative integer");
    }
    dims.push_back(d.get<int64_t>());
  }
  TensorShape shape(std::move(dims));
  Result<TensorSize> size = tensor_size(DType::kString, shape);
  if (!size.ok() || size->elements != static_cast<int64_t>(doc["hex"].size())) {
    return data_loss_error(source + ": shape " + shape.to_string() + " does not match its " +
                           std::to_string(doc["hex"].size()) + " strings");
  }
  std::vector<std::string> values;
  for (const Json& h : doc["hex"]) {
    std::optional<std::string> bytes =
        h.is_string() ? from_hex(h.get<std::string>()) : std::nullopt;
    if (!bytes) return data_loss_error(source + " holds a string that is not lower-case hex");
    values.push_back(std::move(*bytes));
  }
  return Tensor::from_strings(std::move(values), std::move(shape));
}

}  // namespace

void put_string_tensors(WeightsFile& weights) {
  NamedTensors kept;
  for (auto& [name, tensor] : weights.tensors) {
    if (tensor.dtype() != DType::kString) {
      kept.emplace_back(std::move(name), std::move(tensor));
      continue;
    }
    Json hex = Json::array();
    for (const std::string& s : tensor.strings()) hex.push_back(to_hex(s));
    weights.metadata[std::string(kStringTensorPrefix) + name] =
        Json{{"shape", tensor.shape().dims()}, {"hex", hex}}.dump();
  }
  weights.tensors = std::move(kept);
}

void take_string_tensors(WeightsFile& weights) {
  for (auto it = weights.metadata.begin(); it != weights.metadata.end();) {
    if (!it->first.starts_with(kStringTensorPrefix)) {
      ++it;
      continue;
    }
    const std::string name = it->first.substr(kStringTensorPrefix.size());
    const std::string source = weights.path + ": metadata \"" + it->first + "\"";
    weights.tensors.emplace_back(name, value_or_throw(decode(it->second, source)));
    it = weights.metadata.erase(it);
  }
  std::sort(weights.tensors.begin(), weights.tensors.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  auto twice = std::adjacent_find(weights.tensors.begin(), weights.tensors.end(),
                                  [](const auto& a, const auto& b) { return a.first == b.first; });
  if (twice != weights.tensors.end()) {
    throw DataLossError(weights.path + ": tensor '" + twice->first +
                        "' is both a tensor and a string tensor in the metadata");
  }
}

}  // namespace cairn::keras::internal
