// How a long `cairn` command (train, verify, export) shows its progress:
// on stderr, a bar redrawn in place when stderr is a terminal, a few plain
// lines and a last line with the totals otherwise (logs stay readable), and
// nothing with --no-progress. Stdout stays the command's result alone.
//
//   std::unique_ptr<ProgressBar> bar = command_progress(err, "verify", cmd.no_progress);
//   auto results = verify_directory(dir, fs, bar.get());   // a null bar: no reports
//   if (bar) bar->finish();
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cairn/core/progress_bar.h"

namespace cairn::cli {

// Adds --no-progress, which sets `off`.
void add_no_progress_flag(CLI::App& cmd, bool& off);

// The display of a command's progress on `err` (see above), labelled
// `label`; null when `off`.
std::unique_ptr<ProgressBar> command_progress(std::ostream& err, const std::string& label,
                                              bool off);

}  // namespace cairn::cli
