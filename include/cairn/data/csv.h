// CSV input: rows of numbers, one example per line, optionally with
// TensorFlow's Iris header line ("120,4,setosa,versicolor,virginica": row
// count, feature count, class names) or a header of column names.
//
//   auto iris = cairn::data::read_csv("data/iris_training.csv",
//       {.column_names = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth", "Species"},
//        .label_column = "Species"});
//   iris.features["PetalLength"];   // [120, 1]
//   iris.labels;                    // [120, 1] class ids as floats
//   iris.class_names;               // {"setosa", "versicolor", "virginica"}
#pragma once

#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/data/dataset.h"
#include "cairn/io/file_system.h"

namespace cairn::data {

struct CsvOptions {
  // Names for the columns, in file order. Empty: "0", "1", ... (or the
  // header's names when the first line is a header of names).
  std::vector<std::string> column_names = {};
  // The column holding the label; "" means no labels. With
  // `label_is_last_extra_column`, a row with one more column than features
  // has its last column taken as the label (cairn's CLI convention).
  std::string label_column = {};
  bool label_is_last_extra_column = false;
  int64_t num_features = -1;  // with label_is_last_extra_column: features per row
};

struct CsvData {
  FeatureMap features = {};                     // one [rows, 1] matrix per feature column
  nn::Matrix labels = {};                       // [rows, 1], or [rows, 0] without labels
  std::vector<std::string> class_names = {};    // from an Iris-style header, if any
  std::vector<std::string> feature_names = {};  // in file order
  int64_t rows = 0;
  int64_t header_line = 0;  // the header's line number; 0 when the file has none
};

// Parses CSV text; INVALID_ARGUMENT naming `source`, the line and the column
// for a malformed number or a row of the wrong width. A first line of
// column names, or TensorFlow's Iris header, is used as the header (see
// csv.cc for the exact rule); any other first line is data.
Result<CsvData> parse_csv(std::string_view text, const CsvOptions& options,
                          const std::string& source);
Result<CsvData> read_csv(FileSystem& fs, const std::string& path, const CsvOptions& options);

// Throwing convenience over the default file system.
CsvData read_csv(const std::string& path, const CsvOptions& options);

}  // namespace cairn::data
