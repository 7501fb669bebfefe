// Writing checkpoints from named tensors, like tf.compat.v1.train.Saver.save
// without a graph: the bundle files plus the `checkpoint` state file.
//
//   std::string prefix = cairn::save_variables("models/demo/model.ckpt-1", {
//       {"dense/kernel", kernel},
//       {"dense/bias", bias},
//       {"global_step", cairn::Tensor::scalar<int64_t>(1)},
//   });
//   // models/demo/model.ckpt-1.index, .data-00000-of-00001, models/demo/checkpoint
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
// Tensors saved where they live (no copy): each pointer must stay valid and
// unchanged until the save returns. A synchronous save streams them to disk,
// so its memory beyond the model is a few write buffers, whatever the size.
using NamedTensorRefs = std::vector<std::pair<std::string, const Tensor*>>;

// Pointers to the tensors of `tensors` (which must outlive the result).
NamedTensorRefs refs_to(const NamedTensors& tensors);

struct SaveOptions {
  int num_shards = 1;             // data files to spread the tensors over
  bool update_state_file = true;  // record the new prefix in DIR/checkpoint
};

// Writes `variables` (in the given order) as the bundle `prefix`, creating its
// directory if needed, and returns the prefix. Throws InvalidArgumentError for
// empty or duplicate names, ResourceExhaustedError when the disk is full, and
// other cairn::Error subclasses for I/O failures; the previous checkpoint and
// state file are left as they were.
std::string save_variables(const std::string& prefix, const NamedTensors& variables,
                           const SaveOptions& options = {}, FileSystem& fs = default_file_system());
std::string save_variables(const std::string& prefix, const NamedTensorRefs& variables,
                           const SaveOptions& options = {}, FileSystem& fs = default_file_system());

}  // namespace cairn
