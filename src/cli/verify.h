// `cairn verify PATH`: checks every checkpoint of a model directory (or one
// prefix), reading every tensor and checking every checksum.
//
//   $ cairn verify models/iris
//   ok       models/iris/model.ckpt-1000 (12 tensors, 4321 bytes)
//   DAMAGED  models/iris/model.ckpt-800: ...data-00000-of-00001: tensor 'dnn/logits/bias' ...
//   orphan   models/iris/model.ckpt-200: incomplete (no .index): its deletion was cut short ...
//
// Orphans are what a trainer killed during retention left behind
// (checkpoint/leftover_checkpoints.h): not damage. A checkpoint a running
// trainer rotates away while it is read is left out. Exit status 0 when
// every checkpoint is intact (orphans included), 1 when any is damaged or
// there is none. Progress (bytes checked of all the checkpoints' files) goes
// to stderr (cli/progress_output.h).
#pragma once

#include <iosfwd>
#include <string>

namespace cairn::cli {

struct VerifyCommand {
  std::string path;          // a model directory or a checkpoint prefix
  bool no_progress = false;  // no bytes-checked progress on `err`
};

int run_verify(const VerifyCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::cli
