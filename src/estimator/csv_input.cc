#include "cairn/estimator/csv_input.h"

#include "cairn/core/errors.h"
#include "cairn/data/csv.h"

namespace cairn::estimator {

CsvInput read_csv_input(const std::string& path, int64_t num_features, FileSystem& fs) {
  data::CsvData csv = value_or_throw(data::read_csv(fs, path, {}));
  if (csv.rows == 0) {
    throw InvalidArgumentError(
        path + (csv.header_line > 0 ? " has a header but no data rows" : " has no data rows"));
  }
  int64_t columns = static_cast<int64_t>(csv.feature_names.size());
  int64_t width = num_features < 0 ? columns - 1 : num_features;
  if (width <= 0 || (columns != width && columns != width + 1)) {
    throw InvalidArgumentError(path + ": rows have " + std::to_string(columns) +
                               " columns; expected " + std::to_string(width) + " features" +
                               (num_features < 0 ? " and a label" : " (and optionally a label)"));
  }
  CsvInput input;
  input.class_names = csv.class_names;
  input.features.resize(csv.rows, width);
  input.labels.resize(csv.rows, columns - width);
  for (int64_t c = 0; c < columns; ++c) {
    const nn::Matrix& column = csv.features.at(csv.feature_names[static_cast<size_t>(c)]);
    if (c < width) {
      input.features.col(c) = column.col(0);
    } else {
      input.labels.col(0) = column.col(0);
    }
  }
  return input;
}

data::Dataset make_dataset(const CsvInput& input, const ModelSpec& spec) {
  return make_dataset(input, spec.feature_columns);
}

data::Dataset make_dataset(const CsvInput& input, const std::vector<data::NumericColumn>& columns) {
  int64_t width = 0;
  for (const auto& column : columns) width += column.shape;
  if (input.features.cols() != width) {
    throw InvalidArgumentError("the model takes " + std::to_string(width) +
                               " feature values per example; the input has " +
                               std::to_string(input.features.cols()));
  }
  data::FeatureMap features;
  int64_t at = 0;
  for (const auto& column : columns) {
    features[column.key] = input.features.middleCols(at, column.shape);
    at += column.shape;
  }
  return data::Dataset::from_tensors(std::move(features), input.labels);
}

}  // namespace cairn::estimator
