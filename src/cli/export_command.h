// `cairn export MODEL --format saved_model|onnx|tfjs --out PATH`: a trained
// model in a format other runtimes serve. MODEL is an Estimator model
// directory (its newest checkpoint) or a whole-model file (.h5).
//
//   cairn export models/iris --format onnx --out iris.onnx
//   cairn export my_model.h5 --format tfjs --out web_model/
//   cairn export models/iris --format saved_model --out exported/iris
//
// --out may be missing, empty, or a previous export of the same format (it
// is replaced atomically); anything else needs --force, and it is never the
// model itself or inside it, a symbolic link or a special file.
#pragma once

#include <iosfwd>
#include <string>

namespace cairn::cli {

struct ExportCommand {
  std::string model_path;    // model directory or .h5 file
  std::string format;        // saved_model, onnx, tfjs
  std::string out;           // a directory (saved_model, tfjs) or a file (onnx)
  bool force = false;        // replace --out even if it is not a previous export
  bool no_progress = false;  // no bytes-written progress on stderr (cli/progress_output.h)
};

// The exit code: 0, or 1 with "cairn export: CODE: message" on `err`.
int run_export(const ExportCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::cli
