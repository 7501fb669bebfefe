// `cairn events LOGDIR [--tags] [--csv|--json]`: the scalars and histograms
// of a log directory's runs (event_runs.h), as TensorBoard would load them,
// without TensorBoard.
//
//   cairn events models/iris                # per run and tag, every point
//   cairn events models/iris --tags         # per run and tag: kind, points, first/last step
//   cairn events models/iris --csv > s.csv  # run,tag,step,wall_time,value,kind,count,...
//   cairn events models/iris --json         # {"logdir", "runs": [{name, files, scalars,
//   histograms}]}
//
// Exit status 0; 1 with "cairn events: CODE: message" on stderr when LOGDIR
// is missing, holds no event file, or an event file is damaged.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/command_table.h"

namespace cairn::cli {

struct EventsCommand {
  std::string logdir;  // a log directory (searched recursively) or one event file
  bool tags = false;   // one line per run and tag instead of every point
  bool csv = false;
  bool json = false;
};

int run_events(const EventsCommand& cmd, std::ostream& out, std::ostream& err);

// The `events` entry of cairn_commands().
Command events_command();

}  // namespace cairn::cli
