#include "cli/inspect.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/keras/convert.h"
#include "cli/nested_arrays.h"
#include "cli/shortest_text.h"

namespace cairn::cli {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string format_element(const Tensor& t, int64_t i) {
  const auto at = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::kFloat32:
      return shortest_text(t.flat<float>()[at]);
    case DType::kFloat64:
      return shortest_text(t.flat<double>()[at]);
    case DType::kHalf:
      return shortest_text(t.flat<half>()[at].to_float());
    case DType::kBfloat16:
      return shortest_text(t.flat<bfloat16>()[at].to_float());
    case DType::kBool:
      return t.flat<bool>()[at] ? "true" : "false";
    case DType::kInt64:
      return std::to_string(t.flat<int64_t>()[at]);
    case DType::kUint64:
      return std::to_string(t.flat<uint64_t>()[at]);
    case DType::kString:
      return OrderedJson(t.strings()[at])
          .dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
    default:
      return std::to_string(static_cast<int64_t>(t.element_as_double(i)));
  }
}

// format_values() text, built by walk_nested() without recursion.
struct ValuesText {
  const Tensor& t;
  std::string out;
  void open() { out += '['; }
  void close() { out += ']'; }
  void separator() { out += ", "; }
  void element(int64_t i) { out += format_element(t, i); }
};

// A JSON number that prints as the shortest float32/float64 text.
OrderedJson json_number(const Tensor& t, int64_t i) {
  const auto at = static_cast<size_t>(i);
  double v = 0;
  switch (t.dtype()) {
    case DType::kFloat32:
      v = std::stod(shortest_text(t.flat<float>()[at]));
      break;
    case DType::kHalf:
      v = std::stod(shortest_text(t.flat<half>()[at].to_float()));
      break;
    case DType::kBfloat16:
      v = std::stod(shortest_text(t.flat<bfloat16>()[at].to_float()));
      break;
    case DType::kFloat64:
      v = t.flat<double>()[at];
      break;
    case DType::kBool:
      return OrderedJson(t.flat<bool>()[at]);
    case DType::kInt64:
      return OrderedJson(t.flat<int64_t>()[at]);
    case DType::kUint64:
      return OrderedJson(t.flat<uint64_t>()[at]);
    default:
      return OrderedJson(static_cast<int64_t>(t.element_as_double(i)));
  }
  return std::isfinite(v) ? OrderedJson(v) : OrderedJson(nullptr);  // JSON has no NaN/Inf
}

OrderedJson json_values(const Tensor& t) {
  OrderedJson values = OrderedJson::array();
  for (int64_t i = 0; i < t.num_elements(); ++i) values.push_back(json_number(t, i));
  return values;
}

bool has_numeric_values(DType dtype) { return is_fixed_width(dtype); }

// What inspect lists: a checkpoint, whose tensors are read as they are
// printed, or another weights file (keras/convert.h), read whole.
struct InspectSource {
  std::string path;                     // the checkpoint prefix or the file
  std::vector<VariableInfo> variables;  // sorted by name
  std::function<Tensor(const std::string&)> get_tensor;

  bool has_tensor(const std::string& name) const {
    return std::any_of(variables.begin(), variables.end(),
                       [&](const VariableInfo& v) { return v.name == name; });
  }
};

InspectSource checkpoint_source(const std::string& path) {
  auto reader = std::make_shared<CheckpointReader>(path);
  return {reader->prefix(), reader->list_variables(),
          [reader](const std::string& name) { return reader->get_tensor(name); }};
}

InspectSource weights_file_source(const std::string& path) {
  auto file = std::make_shared<keras::WeightsFile>(keras::read_weights_file(path));
  InspectSource source{file->path, {}, [file](const std::string& name) {
                         for (const auto& [n, t] : file->tensors) {
                           if (n == name) return t;
                         }
                         throw NotFoundError("tensor '" + name + "' is not in " + file->path);
                       }};
  for (const auto& [name, t] : file->tensors)
    source.variables.push_back({name, t.dtype(), t.shape()});
  return source;
}

// A checkpoint unless the path names another weights file.
InspectSource open_source(const std::string& path) {
  const std::optional<keras::WeightsFormat> format = keras::weights_format_of_path(path);
  if (!format || *format == keras::WeightsFormat::kCheckpoint) return checkpoint_source(path);
  return weights_file_source(path);
}

OrderedJson tensor_json(const InspectSource& source, const VariableInfo& v, bool want_values) {
  OrderedJson entry = {{"name", v.name}, {"dtype", dtype_name(v.dtype)}, {"shape", v.shape.dims()}};
  if (want_values && has_numeric_values(v.dtype)) {
    entry["values"] = json_values(source.get_tensor(v.name));
  }
  return entry;
}

void print_inspect_json(const InspectSource& source, const InspectOptions& o, std::ostream& out) {
  OrderedJson tensors = OrderedJson::array();
  for (const VariableInfo& v : source.variables) {
    if (o.tensor && v.name != *o.tensor) continue;
    bool small = v.shape.num_elements() <= kJsonValuesLimit;
    tensors.push_back(tensor_json(source, v, o.all || o.tensor || small));
  }
  OrderedJson doc = {{"prefix", source.path}, {"tensors", tensors}};
  out << doc.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) << "\n";
}

void print_line(const VariableInfo& v, std::ostream& out) {
  out << v.name << "\t" << dtype_name(v.dtype) << "\t" << v.shape.to_string() << "\n";
}

void print_values(const InspectSource& source, const VariableInfo& v, std::ostream& out) {
  print_line(v, out);
  if (!has_math(v.dtype)) {
    out << "  (" << dtype_name(v.dtype) << " values are not decoded)\n";
    return;
  }
  out << "  " << format_values(source.get_tensor(v.name)) << "\n";
}

void print_inspect_text(const InspectSource& source, const InspectOptions& o, std::ostream& out) {
  for (const VariableInfo& v : source.variables) {
    if (o.tensor && v.name != *o.tensor) continue;
    if (o.tensor || o.all) {
      print_values(source, v, out);
    } else {
      print_line(v, out);
    }
  }
}

}  // namespace

std::string format_values(const Tensor& tensor) {
  ValuesText text{tensor, ""};
  walk_nested(tensor.shape(), 0, 0, text);
  return text.out;
}

int run_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err) {
  try {
    const InspectSource source = open_source(options.path);
    if (options.tensor && !source.has_tensor(*options.tensor)) {
      throw NotFoundError("tensor '" + *options.tensor + "' is not in " + source.path);
    }
    if (options.json) {
      print_inspect_json(source, options, out);
    } else {
      print_inspect_text(source, options, out);
    }
    return 0;
  } catch (const Error& e) {
    err << "cairn inspect: " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace cairn::cli
