// `cairn ls MODEL_DIR [--json]`: the checkpoints of a model directory at a
// glance, newest first, one aligned line each (checkpoint/checkpoint_listing.h).
//
//   $ cairn ls models/iris
//      step  written                  size  shards  status   checkpoint
//   *  1000  2026-12-06 02:40:26  23.2 KiB       1  ok       model.ckpt-1000
//       751  2026-12-06 02:40:26  23.2 KiB       1  DAMAGED  model.ckpt-751: ...: tensor 'dnn/...
//       501  -                    22.7 KiB       1  orphan   model.ckpt-501: incomplete (no ...
//   * the newest checkpoint named by models/iris/checkpoint
//
// `written` is the .index's modification time in local time; `size` counts
// every file of the checkpoint (.index, .data-*, .meta). --json prints
// {"dir", "checkpoints": [{prefix, step, written, written_epoch, bytes,
// shards, status, problem, newest}]}. Every tensor is read and checksummed.
// Exit status 0 when the directory was listed (damage is reported, not an
// error: `cairn verify` fails on it); 1 with the error on stderr when it is
// not a directory or holds no checkpoint.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/command_table.h"

namespace cairn::cli {

struct LsCommand {
  std::string dir;
  bool json = false;
  bool no_progress = false;  // --no-progress: nothing on stderr but errors
};

int run_ls(const LsCommand& cmd, std::ostream& out, std::ostream& err);

// The table entry of `cairn ls`.
Command ls_command();

}  // namespace cairn::cli
