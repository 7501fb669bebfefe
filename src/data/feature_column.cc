// Numeric feature columns and input_layer: a model's input is its columns'
// feature matrices side by side, in order of key, as TensorFlow's
// input_layer (feature_column_v2) concatenates them.
#include "cairn/data/feature_column.h"

#include <algorithm>
#include <string>
#include <utility>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"

namespace cairn::data {
namespace {

std::string feature_keys(const FeatureMap& features) {
  std::vector<std::string> keys;
  for (const auto& [key, matrix] : features) keys.push_back(key);
  return keys.empty() ? "none" : join(keys, ", ");
}

// The feature of `column`, checked against its shape and the row count.
const nn::Matrix& column_input(const FeatureMap& features, const NumericColumn& column,
                               Eigen::Index rows) {
  auto it = features.find(column.key);
  if (it == features.end()) {
    throw InvalidArgumentError("input_layer: no feature '" + column.key +
                               "' for its numeric_column (features: " + feature_keys(features) +
                               ")");
  }
  const nn::Matrix& m = it->second;
  if (m.cols() != column.shape) {
    throw InvalidArgumentError("input_layer: feature '" + column.key + "' has width " +
                               std::to_string(m.cols()) + " but its numeric_column has shape " +
                               std::to_string(column.shape));
  }
  if (m.rows() != rows) {
    throw InvalidArgumentError("input_layer: feature '" + column.key + "' has " +
                               std::to_string(m.rows()) + " rows but '" + features.begin()->first +
                               "' has " + std::to_string(rows));
  }
  return m;
}

Eigen::Index total_width(const std::vector<NumericColumn>& columns) {
  Eigen::Index width = 0;
  for (const NumericColumn& column : columns) {
    if (column.shape < 1) {
      throw InvalidArgumentError("numeric_column '" + column.key +
                                 "': shape must be positive, got " + std::to_string(column.shape));
    }
    width += column.shape;
  }
  return width;
}

}  // namespace

std::vector<NumericColumn> sorted_columns(std::vector<NumericColumn> columns) {
  std::stable_sort(columns.begin(), columns.end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
  auto duplicate = std::adjacent_find(columns.begin(), columns.end(),
                                      [](const auto& a, const auto& b) { return a.key == b.key; });
  if (duplicate != columns.end()) {
    throw InvalidArgumentError("feature column '" + duplicate->key + "' appears twice");
  }
  return columns;
}

nn::Matrix input_layer(const FeatureMap& features, const std::vector<NumericColumn>& columns) {
  if (columns.empty()) throw InvalidArgumentError("input_layer: no feature columns");
  Eigen::Index rows = features.empty() ? 0 : features.begin()->second.rows();
  nn::Matrix out(rows, total_width(columns));
  Eigen::Index offset = 0;
  for (const NumericColumn& column : sorted_columns(columns)) {
    out.middleCols(offset, column.shape) = column_input(features, column, rows);
    offset += column.shape;
  }
  return out;
}

}  // namespace cairn::data
