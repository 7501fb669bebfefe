#include "cli/json_tensor.h"

#include <charconv>
#include <cstdlib>
#include <limits>

#include "cairn/core/errors.h"
#include "cli/nested_arrays.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

// The shape the first element at each depth suggests; INVALID_ARGUMENT past
// kMaxRank levels, which also bounds collect()'s recursion.
std::vector<int64_t> infer_shape(const Json& value, const std::string& what) {
  std::vector<int64_t> dims;
  for (const Json* p = &value; p->is_array(); p = &(*p)[0]) {
    if (dims.size() == static_cast<size_t>(kMaxRank)) {
      throw InvalidArgumentError(what + ": arrays nested more than " + std::to_string(kMaxRank) +
                                 " deep (a tensor has at most " + std::to_string(kMaxRank) +
                                 " dimensions)");
    }
    dims.push_back(static_cast<int64_t>(p->size()));
    if (p->empty()) break;
  }
  return dims;
}

// `v` for an error message: a number, bool or string as JSON, and only the
// kind of an array or object, whose text could be nested too deep to print.
std::string describe(const Json& v) {
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Every leaf of `value` in row-major order, checking the nesting is `dims`.
void collect(const Json& value, const std::vector<int64_t>& dims, size_t depth,
             std::vector<const Json*>& leaves, const std::string& what) {
  if (depth == dims.size()) {
    if (value.is_array()) throw InvalidArgumentError(what + ": ragged nested arrays");
    leaves.push_back(&value);
    return;
  }
  if (!value.is_array() || static_cast<int64_t>(value.size()) != dims[depth]) {
    throw InvalidArgumentError(what + ": ragged nested arrays (expected shape " +
                               TensorShape(dims).to_string() + ")");
  }
  for (const Json& item : value) collect(item, dims, depth + 1, leaves, what);
}

template <typename T>
T leaf_value(const Json& v, const std::string& what) {
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
  throw InvalidArgumentError(what + ": " + describe(v) + " is not a " + want + " value");
}

template <typename T>
Tensor fill(const std::vector<const Json*>& leaves, TensorShape shape, const std::string& what) {
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

ordered_json element_json(const Tensor& t, int64_t i) {
  const auto k = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::kFloat32:
      return shortest(t.flat<float>()[k]);
    case DType::kInt64:
      return t.flat<int64_t>()[k];
    case DType::kInt32:
      return t.flat<int32_t>()[k];
    case DType::kUint8:
      return t.flat<uint8_t>()[k];
    case DType::kInt8:
      return t.flat<int8_t>()[k];
    case DType::kInt16:
      return t.flat<int16_t>()[k];
    case DType::kUint16:
      return t.flat<uint16_t>()[k];
    case DType::kBool:
      return static_cast<bool>(t.flat<bool>()[k]);
    case DType::kString:
      return t.strings()[k];
    default:
      return t.element_as_double(i);
  }
}

// Nested JSON arrays built by walk_nested(): the arrays being filled are on
// a stack of at most rank entries, not the call stack.
struct JsonArrays {
  const Tensor& t;
  std::vector<ordered_json> open_arrays;
  ordered_json done;
  void open() { open_arrays.push_back(ordered_json::array()); }
  void close() {
    ordered_json array = std::move(open_arrays.back());
    open_arrays.pop_back();
    add(std::move(array));
  }
  void separator() {}
  void element(int64_t i) { add(element_json(t, i)); }
  void add(ordered_json value) {
    if (open_arrays.empty()) {
      done = std::move(value);
    } else {
      open_arrays.back().push_back(std::move(value));
    }
  }
};

ordered_json nested(const Tensor& t, int first_axis, int64_t first_element) {
  JsonArrays arrays{t, {}, {}};
  walk_nested(t.shape(), first_axis, first_element, arrays);
  return std::move(arrays.done);
}

}  // namespace

Tensor json_to_tensor(const Json& value, DType dtype, const std::string& what) {
  const std::vector<int64_t> dims = infer_shape(value, what);
  std::vector<const Json*> leaves;
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
    case DType::kUint8:
      return fill<uint8_t>(leaves, shape, what);
    case DType::kInt8:
      return fill<int8_t>(leaves, shape, what);
    case DType::kInt16:
      return fill<int16_t>(leaves, shape, what);
    case DType::kUint16:
      return fill<uint16_t>(leaves, shape, what);
    case DType::kBool:
      return fill<bool>(leaves, shape, what);
    case DType::kString: {
      std::vector<std::string> strings;
      for (const Json* leaf : leaves) {
        if (!leaf->is_string())
          throw InvalidArgumentError(what + ": " + describe(*leaf) + " is not a string");
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

ordered_json tensor_to_json(const Tensor& tensor) { return nested(tensor, 0, 0); }

ordered_json row_to_json(const Tensor& tensor, int64_t row) {
  if (tensor.shape().rank() == 0) return element_json(tensor, 0);
  const int64_t rows = tensor.shape().dim(0);
  return nested(tensor, 1, rows == 0 ? 0 : row * (tensor.num_elements() / rows));
}

std::string dump_line(const ordered_json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cairn::cli
