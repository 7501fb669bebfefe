// Test-only helpers for the estimator tests: the Iris DNNClassifier of the
// seeds and its input functions.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/estimator/csv_input.h"
#include "cairn/estimator/estimator.h"
#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn::estimator::testing {

inline std::vector<data::NumericColumn> iris_columns() {
  return {data::numeric_column("SepalLength"), data::numeric_column("SepalWidth"),
          data::numeric_column("PetalLength"), data::numeric_column("PetalWidth")};
}

// Log lines are collected instead of printed.
struct LogCapture {
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& line) { lines.push_back(line); };
  }
  bool contains(const std::string& text) const {
    for (const auto& l : lines) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

inline DNNClassifierOptions iris_options(const std::string& model_dir,
                                         std::vector<int64_t> hidden = {10, 10}) {
  DNNClassifierOptions o;
  o.feature_columns = iris_columns();
  o.hidden_units = std::move(hidden);
  o.n_classes = 3;
  o.model_dir = model_dir;
  o.config.tf_random_seed = 42;
  o.config.log = [](const std::string&) {};
  return o;
}

inline const CsvInput& iris_train() {
  static const CsvInput input =
      read_csv_input(cairn::testing::project_data_dir() + "/iris_training.csv", 4);
  return input;
}

inline const CsvInput& iris_test() {
  static const CsvInput input =
      read_csv_input(cairn::testing::project_data_dir() + "/iris_test.csv", 4);
  return input;
}

inline data::InputFn train_input_fn(const ModelSpec& spec, int64_t batch = 100) {
  return [spec, batch] {
    return make_dataset(iris_train(), spec).shuffle(1000, 7).repeat().batch(batch);
  };
}

inline data::InputFn eval_input_fn(const ModelSpec& spec) {
  return [spec] { return make_dataset(iris_test(), spec).batch(100); };
}

// The visible names in a directory (as `ls` shows them: hidden files such
// as the trainer's .cairn.lock left out), sorted.
inline std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (std::string& name : value_or_throw(default_file_system().list_directory(dir))) {
    if (name[0] != '.') names.push_back(std::move(name));
  }
  return names;
}

// Every file under `dir` (recursively) with its bytes, to prove nothing changed.
inline std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    files[entry.path().string()] = bytes.str();
  }
  return files;
}

}  // namespace cairn::estimator::testing
