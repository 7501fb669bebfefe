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
// there is none.
#pragma once

#include <iosfwd>
#include <string>

namespace cairn::cli {

int run_verify(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace cairn::cli
