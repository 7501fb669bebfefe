// CSV files as Estimator input, the convention of the `cairn` command and of
// TensorFlow's Iris example: each row holds a model's features (as many
// columns as the model takes, in the order of its feature columns as
// declared) and, optionally, a last extra column with the label. A first line
// of column names, or TensorFlow's Iris header, is the header (see data/csv.h).
//
//   auto input = cairn::estimator::read_csv_input("data/iris_test.csv", spec.input_width());
//   auto input_fn = [&] { return cairn::estimator::make_dataset(input, spec).batch(100); };
//   classifier.evaluate(input_fn);
#pragma once

#include <string>
#include <vector>

#include "cairn/data/dataset.h"
#include "cairn/estimator/model_spec.h"
#include "cairn/io/file_system.h"

namespace cairn::estimator {

struct CsvInput {
  nn::Matrix features;                   // [rows, features]
  nn::Matrix labels;                     // [rows, 1], or [rows, 0] when the rows carry no label
  std::vector<std::string> class_names;  // from an Iris-style header
};

// `num_features` < 0 means "all columns but the last are features, the last
// is the label" (for training data). Throws InvalidArgumentError naming the
// file and line for malformed rows or a file without data rows, NotFoundError
// for a missing file. The file is read through `fs`.
CsvInput read_csv_input(const std::string& path, int64_t num_features,
                        FileSystem& fs = default_file_system());

// The input's features split into the spec's feature columns, with labels.
// Throws InvalidArgumentError when the widths do not add up.
data::Dataset make_dataset(const CsvInput& input, const ModelSpec& spec);
// The same for `columns` (declared in the CSV's order), e.g. a model_fn's.
data::Dataset make_dataset(const CsvInput& input, const std::vector<data::NumericColumn>& columns);

}  // namespace cairn::estimator
