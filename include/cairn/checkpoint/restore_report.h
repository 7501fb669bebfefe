// What a restore found wrong between a model and a checkpoint, all at once
// rather than the first error (restore.h builds it; front ends phrase it).
//
//   cairn::RestoreReport report = ...;   // from a failed restore
//   if (!report.ok()) throw cairn::InvalidArgumentError(report.message(prefix));
//
// message() is the Estimator's (a model directory's) wording, listing
// configuration differences, shape or dtype mismatches, missing and unused
// tensors; weights_message() is Keras load_weights's list of problems;
// object_graph_message() is tf.train.Checkpoint's assert_consumed().
#pragma once

#include <string>
#include <vector>

#include "cairn/core/dtype.h"
#include "cairn/core/tensor_shape.h"

namespace cairn {

// A tensor named in a report: the model's name, or a checkpoint key.
struct ReportedTensor {
  std::string name;
  DType dtype = DType::kInvalid;
  TensorShape shape;
};

struct RestoreReport {
  struct Mismatch {
    ReportedTensor model;       // the target
    ReportedTensor checkpoint;  // what its key holds (for a missing one: the best key only)
  };
  std::vector<std::string> config_diffs;  // recorded configuration vs. the model's
  std::vector<Mismatch> mismatched;       // found with another dtype or shape
  std::vector<Mismatch> missing;          // required, under none of its keys
  std::vector<ReportedTensor> unused;     // in the checkpoint, taken by no target
  std::vector<ReportedTensor> extra;      // the unused ones the plan calls errors

  bool ok() const {
    return config_diffs.empty() && mismatched.empty() && missing.empty() && extra.empty();
  }
  // The whole report as one error about the checkpoint `prefix` of a model directory.
  std::string message(const std::string& prefix) const;
  // What an object-based restore (checkpoint.h) matched on one side only:
  // `unused` as values no object took, `missing` as values of the objects
  // the checkpoint does not hold.
  std::string object_graph_message(const std::string& prefix) const;
  // The same as Keras's load_weights says it about model `model_name`.
  std::string weights_message(const std::string& model_name, const std::string& prefix) const;
};

}  // namespace cairn
