// `cairn plot LOGDIR... -o curves.png|svg|pdf [--tags loss,accuracy]
// [--smoothing 0.6]`: the scalar curves of one or more log directories
// (model directories) as a picture, without TensorBoard.
//
//   cairn plot models/iris -o curves.png                   # runs "." (train) and "eval"
//   cairn plot models/a models/b -o ab.svg --tags loss     # runs "models/a", "models/a/eval", ...
//
// One panel per tag (every scalar tag, sorted, unless --tags names them),
// one line per run; with several LOGDIRs a run is named "<logdir>/<run>"
// (the logdir alone for its own events). Runs holding no scalars (only
// histograms, say) are left out, with a line on stderr. The format is the
// output's extension.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/command_table.h"

namespace cairn::cli {

struct PlotCommand {
  std::vector<std::string> logdirs;
  std::string out;                // .png, .svg or .pdf
  std::vector<std::string> tags;  // empty: every scalar tag
  double smoothing = 0.6;         // TensorBoard's weight, in [0, 1)
  int columns = 0;                // panels side by side; 0: up to 3
};

// The exit code: 0 (a line on `out` names the file, panels and runs), or 1
// with "cairn plot: CODE: message" on `err`.
int run_plot(const PlotCommand& cmd, std::ostream& out, std::ostream& err);

// The `plot` entry of cairn_commands().
Command plot_command();

}  // namespace cairn::cli
