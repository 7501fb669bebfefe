#include "cli/progress_output.h"

namespace cairn::cli {

void add_no_progress_flag(CLI::App& cmd, bool& off) {
  cmd.add_flag("--no-progress", off, "Show no progress on stderr");
}

std::unique_ptr<ProgressBar> command_progress(std::ostream& err, const std::string& label,
                                              bool off) {
  if (off) return nullptr;
  return std::make_unique<ProgressBar>(
      err, ProgressBarOptions{.label = label, .terminal = is_terminal(err)});
}

}  // namespace cairn::cli
