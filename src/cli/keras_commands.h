// `cairn summary MODEL` and `cairn predict MODEL --data CSV [--json]` for
// whole-model files (Keras HDF5, written by cairn or by Keras).
//
//   cairn summary my_model.h5
//   cairn predict my_model.h5 --data flowers.csv --json
//   [{"class_id": 2, "probabilities": [0.01, 0.12, 0.87]}, ...]
//   cairn predict my_model.h5 --inputs in.json --json
//   {"outputs": [[[0.01, 0.12, 0.87], ...]]}
//
// The CSV follows the Estimator commands' rules (data/csv_input.h): the
// model's input width in features, an optional label column ignored, an
// Iris-style or non-numeric header skipped.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace cairn::cli {

struct KerasPredictCommand {
  std::string model_path;
  std::string data_csv;
  // Instead of data_csv: {"inputs": {"<input name>": [[...], ...]}}; prints
  // {"outputs": [...]} (model_inputs.h).
  std::string inputs_json;
  int64_t batch_size = 32;
  bool json = false;
};

// Each returns the exit code (0, or 1 with "cairn <cmd>: CODE: message" on `err`).
int run_summary(const std::string& model_path, std::ostream& out, std::ostream& err);
int run_keras_predict(const KerasPredictCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::cli
