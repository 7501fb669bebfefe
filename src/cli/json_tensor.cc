#include "cli/json_tensor.h"

#include <charconv>
#include <cstdlib>
#include <limits>

#include "cairn/core/errors.h"

namespace cairn::cli {
namespace {

using json = nlohmann::json;

// The shape the first element at each depth suggests.
std::vector<int64_t> infer_shape(const json& value) {
  std::vector<int64_t> dims;
  for (const json* p = &value; p->is_array(); p = &(*p)[0]) {
    dims.push_back(static_cast<int64_t>(p->size()));
    if (p->empty()) break;
  }
  return dims;
}

// Every leaf of `value` in row-major order, checking the nesting is `dims`.
void collect(const json& value, const std::vector<int64_t>& dims, size_t depth,
             std::vector<const json*>& leaves, const std::string& what) {
  if (depth == dims.size()) {
    if (value.is_array()) throw InvalidArgumentError(what + ": ragged nested arrays");
    leaves.push_back(&value);
    return;
  }
  if (!value.is_array() || static_cast<int64_t>(value.size()) != dims[depth]) {
    throw InvalidArgumentError(what + ": ragged nested arrays (expected shape " +
                               TensorShape(dims).to_string() + ")");
  }
  for (const json& item : value) collect(item, dims, depth + 1, leaves, what);
}

template <typename T>
T leaf_value(const json& v, const std::string& what) {
  const std::string want(dtype_name(dtype_of<T>()));
  if constexpr (std::is_same_v<T, bool>) {
    if (v.is_boolean()) return v.get<bool>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (v.is_number()) return static_cast<T>(v.get<double>());
  } else {
    if (v.is_number_integer()) {
      const int64_t n = v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX
                            ? std::numeric_limits<int64_t>::max()
                            : v.get<int64_t>();
      if (n >= std::numeric_limits<T>::min() && n <= std::numeric_limits<T>::max()) {
        return static_cast<T>(n);
      }
    }
  }
  throw InvalidArgumentError(what + ": " + v.dump() + " is not a " + want + " value");
}

template <typename T>
Tensor fill(const std::vector<const json*>& leaves, TensorShape shape, const std::string& what) {
  Tensor t(dtype_of<T>(), std::move(shape));
  auto out = t.flat<T>();
  for (size_t i = 0; i < leaves.size(); ++i) out[i] = leaf_value<T>(*leaves[i], what);
  return t;
}

ordered_json shortest(float v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) return static_cast<double>(v);
  return std::strtod(std::string(buf, end).c_str(), nullptr);
}

ordered_json element(const Tensor& t, int64_t i) {
  const auto k = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::kFloat32:
      return shortest(t.flat<float>()[k]);
    case DType::kInt64:
      return t.flat<int64_t>()[k];
    case DType::kInt32:
      return t.flat<int32_t>()[k];
    case DType::kBool:
      return static_cast<bool>(t.flat<bool>()[k]);
    case DType::kString:
      return t.strings()[k];
    default:
      return t.element_as_double(i);
  }
}

ordered_json nested(const Tensor& t, int depth, int64_t& index) {
  if (depth == t.shape().rank()) return element(t, index++);
  ordered_json items = ordered_json::array();
  for (int64_t k = 0; k < t.shape().dim(depth); ++k) items.push_back(nested(t, depth + 1, index));
  return items;
}

}  // namespace

Tensor json_to_tensor(const json& value, DType dtype, const std::string& what) {
  const std::vector<int64_t> dims = infer_shape(value);
  std::vector<const json*> leaves;
  collect(value, dims, 0, leaves, what);
  TensorShape shape(dims);
  switch (dtype) {
    case DType::kFloat32:
      return fill<float>(leaves, shape, what);
    case DType::kFloat64:
      return fill<double>(leaves, shape, what);
    case DType::kInt32:
      return fill<int32_t>(leaves, shape, what);
    case DType::kInt64:
      return fill<int64_t>(leaves, shape, what);
    case DType::kBool:
      return fill<bool>(leaves, shape, what);
    case DType::kString: {
      std::vector<std::string> strings;
      for (const json* leaf : leaves) {
        if (!leaf->is_string())
          throw InvalidArgumentError(what + ": " + leaf->dump() + " is not a string");
        strings.push_back(leaf->get<std::string>());
      }
      return Tensor::from_strings(std::move(strings), shape);
    }
    default:
      break;
  }
  throw InvalidArgumentError(what + ": cannot give a " + std::string(dtype_name(dtype)) +
                             " tensor as JSON");
}

ordered_json tensor_to_json(const Tensor& tensor) {
  int64_t index = 0;
  return nested(tensor, 0, index);
}

ordered_json row_to_json(const Tensor& tensor, int64_t row) {
  if (tensor.shape().rank() == 0) return element(tensor, 0);
  const int64_t rows = tensor.shape().dim(0);
  int64_t index = rows == 0 ? 0 : row * (tensor.num_elements() / rows);
  return nested(tensor, 1, index);
}

std::string dump_line(const ordered_json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cairn::cli
