// `cairn predict SAVED_MODEL_DIR --data CSV`: CSV rows (read by data/csv.h) fed to a SavedModel
// signature (column mapping in saved_model_commands.h), one JSON object of
// outputs per row, as the Estimator and Keras predict commands print them.
#include <map>
#include <ostream>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"
#include "cairn/data/csv.h"
#include "cairn/io/file_system.h"
#include "cairn/serving/saved_model_runner.h"
#include "cli/guarded.h"
#include "cli/json_tensor.h"
#include "cli/saved_model_commands.h"

namespace cairn::cli {
namespace {

using serving::Signature;
using serving::TensorSpec;

// More columns than any CSV row predict reads can have (its columns are held
// in memory).
constexpr int64_t kMaxColumns = int64_t{1} << 32;

// The CSV's columns, parsed by data/ (cairn/data/csv.h) as every predict
// command reads its rows: numbers, an optional header line.
struct Csv {
  std::vector<nn::Matrix> columns;  // [rows, 1] each, in file order
  std::vector<std::string> header;  // the header's column names; empty without one
  int64_t rows = 0;
};

Csv read_csv(const std::string& path) {
  data::CsvData parsed = value_or_throw(data::read_csv(default_file_system(), path, {}));
  if (parsed.rows == 0) {
    throw InvalidArgumentError(
        path + (parsed.header_line > 0 ? " has a header but no data rows" : " has no data rows"));
  }
  Csv csv{.rows = parsed.rows};
  for (const std::string& name : parsed.feature_names) {
    csv.columns.push_back(std::move(parsed.features.at(name)));
  }
  // TensorFlow's Iris header ("120,4,setosa,...") counts rows; it names no column.
  if (parsed.header_line > 0 && parsed.class_names.empty()) {
    csv.header = std::move(parsed.feature_names);
  }
  return csv;
}

// Elements per example of `spec` (the product of its non-batch dimensions),
// or -1 when the shape does not say. The dims come from the file: a product
// past any CSV's width (kMaxColumns) is refused, not overflowed.
int64_t width_of(const TensorSpec& spec) {
  if (spec.unknown_rank || spec.shape.empty()) return -1;
  const std::vector<int64_t> example(spec.shape.begin() + 1, spec.shape.end());
  for (int64_t d : example) {
    if (d < 0) return -1;
  }
  const int64_t width = TensorShape(example).checked_num_elements(kMaxColumns);
  if (width < 0) {
    throw InvalidArgumentError("input '" + spec.name + "' has shape " +
                               TensorShape(spec.shape).to_string() +
                               ", more values per example than a CSV row can hold");
  }
  return width;
}

// Columns [first, first + width) of every row, shaped as `spec` wants.
Tensor columns(const Csv& csv, const TensorSpec& spec, size_t first, int64_t width) {
  std::vector<int64_t> dims = {csv.rows};
  if (spec.unknown_rank) {
    dims.push_back(width);
  } else {
    dims.insert(dims.end(), spec.shape.begin() + (spec.shape.empty() ? 0 : 1), spec.shape.end());
  }
  Tensor t(DType::kFloat32, TensorShape(dims));
  auto out = t.flat<float>();
  for (int64_t r = 0; r < csv.rows; ++r) {
    for (int64_t c = 0; c < width; ++c) out[r * width + c] = csv.columns[first + c](r, 0);
  }
  const DType dtype = spec.dtype == DType::kInvalid ? DType::kFloat32 : spec.dtype;
  return dtype == DType::kFloat32 ? t : json_to_tensor(tensor_to_json(t), dtype, spec.name);
}

// The column of `name` in the header ("name" or "name_0"), or -1.
int64_t header_column(const Csv& csv, const std::string& name) {
  for (size_t i = 0; i < csv.header.size(); ++i) {
    if (csv.header[i] == name || csv.header[i] == name + "_0") return static_cast<int64_t>(i);
  }
  return -1;
}

std::vector<std::string> names_of(const Signature& sig) {
  std::vector<std::string> names;
  for (const auto& [name, spec] : sig.inputs) names.push_back(name);
  return names;
}

// "'a', 'b'"
std::string quoted_names(const Signature& sig) {
  std::string text = "'";  // appended: GCC 12 warns falsely on "'" + std::string&&
  text += join(names_of(sig), "', '");
  text += '\'';
  return text;
}

// The inputs in the CSV column order an Estimator export declared, or empty
// when the SavedModel declared none that covers every input.
std::vector<std::string> column_order(const Signature& sig,
                                      const std::vector<std::string>& declared) {
  if (declared.size() != sig.inputs.size()) return {};
  for (const std::string& name : declared) {
    if (sig.inputs.count(name) == 0) return {};
  }
  return declared;
}

std::map<std::string, Tensor> feed(const Csv& csv, const Signature& sig,
                                   const std::vector<std::string>& declared,
                                   const std::string& path) {
  const auto cols = static_cast<int64_t>(csv.columns.size());
  std::map<std::string, Tensor> inputs;
  if (sig.inputs.size() == 1) {
    const auto& [name, spec] = *sig.inputs.begin();
    const int64_t width = width_of(spec) < 0 ? cols : width_of(spec);
    if (cols != width && cols != width + 1) {
      throw InvalidArgumentError(path + ": " + std::to_string(cols) + " columns, input '" + name +
                                 "' takes " + std::to_string(width) + " (and an optional label)");
    }
    inputs[name] = columns(csv, spec, 0, width);
    return inputs;
  }
  bool by_header = !csv.header.empty();
  for (const auto& [name, spec] : sig.inputs)
    by_header = by_header && header_column(csv, name) >= 0;
  const std::vector<std::string> order = by_header ? names_of(sig) : column_order(sig, declared);
  if (order.empty()) {
    throw InvalidArgumentError(path + ": the SavedModel takes inputs " + quoted_names(sig) +
                               "; give the CSV a header line naming their columns");
  }
  int64_t next = 0;
  for (const std::string& name : order) {
    const TensorSpec& spec = sig.inputs.at(name);
    const int64_t width = width_of(spec);
    const int64_t first = by_header ? header_column(csv, name) : next;
    if (width < 0 || first + width > cols) {
      throw InvalidArgumentError(path + ": cannot find the columns of input '" + name + "'");
    }
    inputs[name] = columns(csv, spec, static_cast<size_t>(first), width);
    next = first + width;
  }
  return inputs;
}

void predict(const SavedModelPredictCommand& cmd, std::ostream& out) {
  auto model = serving::SavedModel::load(cmd.dir, {cmd.tag_set});
  const Signature& sig = model.signature(cmd.signature_def);
  const Csv csv = read_csv(cmd.data_csv);
  const auto outputs =
      model.run(cmd.signature_def, feed(csv, sig, model.feature_columns(), cmd.data_csv));
  const int64_t rows = csv.rows;
  ordered_json docs = ordered_json::array();
  for (int64_t r = 0; r < rows; ++r) {
    ordered_json row = ordered_json::object();
    for (const auto& [name, t] : outputs) {
      const bool batched = t.shape().rank() > 0 && t.shape().dim(0) == rows;
      row[name] = batched ? row_to_json(t, r) : tensor_to_json(t);
    }
    docs.push_back(std::move(row));
  }
  if (cmd.json) {
    out << dump_line(docs) << "\n";
    return;
  }
  for (const auto& row : docs) out << dump_line(row) << "\n";
}

}  // namespace

int run_saved_model_predict(const SavedModelPredictCommand& cmd, std::ostream& out,
                            std::ostream& err) {
  return guarded("predict", err, [&] { predict(cmd, out); });
}

}  // namespace cairn::cli
