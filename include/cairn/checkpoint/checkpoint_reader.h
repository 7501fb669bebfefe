// Reading checkpoints, like tf.train.load_checkpoint / list_variables /
// load_variable. Works on checkpoints written by TensorFlow 1.x and 2.x
// (Estimator, Saver, tf.train.Checkpoint, Keras SavedModel variables) and
// by cairn.
//
//   auto reader = cairn::load_checkpoint("models/iris");   // newest checkpoint
//   for (const auto& v : reader.list_variables())
//     std::cout << v.name << " " << cairn::dtype_name(v.dtype) << " "
//               << v.shape.to_string() << "\n";
//   cairn::Tensor bias = reader.get_tensor("dnn/logits/bias");
//   reader.read_into("dnn/logits/bias", bias);            // into existing memory
//
// Errors are thrown as cairn::Error subclasses: NotFoundError (no such
// checkpoint or tensor), DataLossError (corrupt or truncated files; the
// message names the file and tensor), UnimplementedError (V1 checkpoints,
// variant tensors).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/io/file_system.h"

namespace cairn {

struct VariableInfo {
  std::string name;
  DType dtype = DType::kInvalid;
  TensorShape shape;
};

class CheckpointReader {
 public:
  // `path` is a checkpoint prefix, one of its files, or a model directory
  // (its newest checkpoint). `fs` must outlive the reader.
  explicit CheckpointReader(const std::string& path, FileSystem& fs = default_file_system());
  // Reads an open bundle (one newest_intact_checkpoint() verified).
  explicit CheckpointReader(std::unique_ptr<BundleReader> bundle) : bundle_(std::move(bundle)) {}

  // The prefix being read, e.g. "models/iris/model.ckpt-200".
  const std::string& prefix() const { return bundle_->prefix(); }

  // Every tensor, sorted by name.
  std::vector<VariableInfo> list_variables() const;
  bool has_tensor(const std::string& name) const { return bundle_->find(name) != nullptr; }
  // Reads one tensor, checking its crc32c.
  Tensor get_tensor(const std::string& name) const;
  // Reads one tensor into `dest`, which must have its dtype and shape
  // (InvalidArgumentError otherwise): restores reuse a model's memory. After
  // a DataLossError, dest holds unspecified values.
  void read_into(const std::string& name, Tensor& dest) const;

  // The underlying bundle (offsets, shards, raw bytes).
  const BundleReader& bundle() const { return *bundle_; }

 private:
  std::unique_ptr<BundleReader> bundle_;
};

CheckpointReader load_checkpoint(const std::string& path);
std::vector<VariableInfo> list_variables(const std::string& path);
Tensor load_variable(const std::string& path, const std::string& name);

}  // namespace cairn
