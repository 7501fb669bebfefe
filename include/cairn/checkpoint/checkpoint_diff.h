// Comparing two checkpoints tensor by tensor, as `cairn diff` prints it:
// which tensors only one of them has, which changed dtype or shape, and how
// far apart the values of the others are.
//
//   cairn::CheckpointDiff d = cairn::diff_checkpoints("models/iris/model.ckpt-100",
//                                                     "models/iris");  // its newest
//   for (const cairn::VariableInfo& v : d.only_in_b) std::cout << "+ " << v.name << "\n";
//   for (const cairn::TensorComparison& c : d.compared)
//     if (!c.identical) std::cout << c.name << " max |a-b| = " << c.max_abs_diff << "\n";
//   if (!d.differs()) std::cout << "identical\n";
//
// Each side is a checkpoint prefix, one of its files, or a model directory
// (its newest checkpoint, as resolve_checkpoint() in checkpoint_path.h finds
// it). Tensors are read through CheckpointReader, so every byte compared has
// had its checksum checked; one pair of tensors is held in memory at a time.
//
// Numbers: numeric and bool tensors are compared element by element as
// doubles (a = the tensor in A, b = the one in B):
//   max_abs_diff    max_i |a_i - b_i|
//   mean_abs_diff   (1/n) sum_i |a_i - b_i|          (0 for an empty tensor)
//   relative_change ||a - b||_2 / ||a||_2            (0 when a == b; +infinity
//                                                     when ||a||_2 is 0 and b is not)
// Two NaNs at the same place count as equal; a NaN facing a number makes the
// difference infinite. Strings and tensors without math (complex, quantized,
// variant) are compared by their stored bytes only. `identical` means the
// same bytes: 0.0 against -0.0 is not identical, but within every tolerance.
//
// Throws NotFoundError naming a path that holds no checkpoint, and
// DataLossError naming the file and tensor for damaged bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/io/file_system.h"

namespace cairn {

// A tensor both checkpoints hold under one name, with another dtype or shape.
struct TensorTypeChange {
  std::string name;
  VariableInfo a;
  VariableInfo b;
};

// A tensor both checkpoints hold with the same dtype and shape.
struct TensorComparison {
  std::string name;
  DType dtype = DType::kInvalid;
  TensorShape shape;
  bool identical = false;  // same bytes
  bool numeric = false;    // false: compared by bytes only; the numbers below are 0
  double max_abs_diff = 0;
  double mean_abs_diff = 0;
  double relative_change = 0;
  int64_t elements_changed = 0;  // elements whose values differ (numeric only)

  // True when identical, or numeric with max_abs_diff <= tolerance.
  bool within(double tolerance) const;
};

struct CheckpointDiff {
  std::string prefix_a;  // the checkpoints compared, resolved
  std::string prefix_b;
  std::vector<VariableInfo> only_in_a;  // each list sorted by name
  std::vector<VariableInfo> only_in_b;
  std::vector<TensorTypeChange> type_changes;
  std::vector<TensorComparison> compared;  // every common tensor of one dtype and shape

  // True when a tensor is in one checkpoint only, changed dtype or shape, or
  // is not within(tolerance): with the default 0, when any value differs.
  bool differs(double tolerance = 0) const;
};

CheckpointDiff diff_checkpoints(const std::string& a, const std::string& b,
                                FileSystem& fs = default_file_system());

}  // namespace cairn
