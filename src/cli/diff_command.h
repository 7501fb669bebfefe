// `cairn diff A B [--json] [--tolerance X]`: what changed between two
// checkpoints (checkpoint/checkpoint_diff.h). A and B are checkpoint
// prefixes, files of one, or model directories (their newest checkpoint).
//
//   $ cairn diff models/iris/model.ckpt-751 models/iris
//   A: models/iris/model.ckpt-751
//   B: models/iris/model.ckpt-1000
//   changed (max |a-b|, mean |a-b|, relative ||a-b||/||a||, elements changed):
//     dnn/logits/bias    float32 [3]   0.021032  0.0144035  0.0728047  3/3
//     global_step        int64 []           249        249   0.331558  1/1
//   identical: 11 of 13 tensors in both
//   the checkpoints differ
//
// Sections "only in A", "only in B" and "dtype or shape changed" appear when
// they have entries. --tolerance X counts a numeric tensor whose values are
// all within X of each other as unchanged (it is still listed, marked).
// --json prints {a, b, tolerance, differ, only_in_a, only_in_b,
// type_changes, tensors: [{name, dtype, shape, identical, numeric,
// max_abs_diff, mean_abs_diff, relative_change, elements_changed}]}
// (infinite numbers as null). Exit status as diff(1): 0 when nothing
// differs, 1 when something does, 2 on an error (stderr names the path).
#pragma once

#include <iosfwd>
#include <string>

#include "cli/command_table.h"

namespace cairn::cli {

struct DiffCommand {
  std::string a;
  std::string b;
  bool json = false;
  double tolerance = 0;  // a numeric tensor within it counts as unchanged
};

int run_diff(const DiffCommand& cmd, std::ostream& out, std::ostream& err);

// The table entry of `cairn diff`.
Command diff_command();

}  // namespace cairn::cli
