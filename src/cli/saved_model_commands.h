// `cairn saved_model show|run` (after TensorFlow's saved_model_cli) and
// `cairn predict SAVED_MODEL_DIR --data CSV`: inspecting and running
// SavedModels, whether TensorFlow or cairn wrote them.
//
//   cairn saved_model show --dir export/1                     # tag-sets
//   cairn saved_model show --dir export/1 --tag_set serve     # signature keys
//   cairn saved_model show --dir export/1 --tag_set serve --signature_def serving_default
//   cairn saved_model show --dir export/1 --all
//   cairn saved_model run --dir export/1 --input 'x=[[1.0], [2.0]]'
//   {"y": [[2.5], [3.0]]}
//   cairn predict export/1 --data rows.csv --json
//
// predict feeds the serving_default signature from the CSV: a single input
// takes the leading columns (as many as its shape needs, all when unknown),
// a trailing extra column being a label and ignored; several inputs take the
// columns their names head (an input of width w takes w columns from there),
// or, without a header naming them, consecutive columns in the order a cairn
// Estimator export declared (its training CSV's); with neither, predict
// refuses rather than guess.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace cairn::cli {

struct SavedModelShowCommand {
  std::string dir;
  std::optional<std::string> tag_set;        // "serve" or "serve,train"
  std::optional<std::string> signature_def;  // needs tag_set
  bool all = false;
};

struct SavedModelRunCommand {
  std::string dir;
  std::string tag_set = "serve";
  std::string signature_def = "serving_default";
  std::vector<std::string> inputs;  // NAME=JSON
};

struct SavedModelPredictCommand {
  std::string dir;
  std::string data_csv;
  std::string tag_set = "serve";
  std::string signature_def = "serving_default";
  bool json = false;
};

// True when `path` is a directory holding a saved_model.pb.
bool is_saved_model_dir(const std::string& path);

// Each returns the exit code (0, or 1 with "cairn <cmd>: CODE: message" on `err`).
int run_saved_model_show(const SavedModelShowCommand& cmd, std::ostream& out, std::ostream& err);
int run_saved_model_run(const SavedModelRunCommand& cmd, std::ostream& out, std::ostream& err);
int run_saved_model_predict(const SavedModelPredictCommand& cmd, std::ostream& out,
                            std::ostream& err);

}  // namespace cairn::cli
