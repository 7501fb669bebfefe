// BundleWriter: writes a TensorFlow V2 checkpoint (tensor bundle) that
// TensorFlow's BundleReader, tf.train.load_checkpoint and cairn read back.
//
//   CAIRN_ASSIGN_OR_RETURN(auto writer,
//       cairn::BundleWriter::create(fs, "models/iris/model.ckpt-200"));
//   CAIRN_RETURN_IF_ERROR(writer->add("dnn/logits/bias", bias));
//   CAIRN_RETURN_IF_ERROR(writer->add("global_step", cairn::Tensor::scalar<int64_t>(200)));
//   CAIRN_RETURN_IF_ERROR(writer->finish());
//
// Tensor bytes go to the data shards in the order add() is called; the index
// lists them sorted by name, as TensorFlow does. Data shards are written under
// temporary names and renamed into place, synced, before the index is
// written, so a reader never sees an index whose data is incomplete.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/file_system.h"

namespace cairn {

struct BundleWriterOptions {
  // Number of data files. add() puts each tensor in the shard holding the
  // fewest bytes so far; add_to_shard() chooses explicitly.
  int num_shards = 1;
  // fsync data and index files before finish() returns.
  bool sync = true;
};

class BundleWriter {
 public:
  // Prepares to write the bundle `prefix` (its directory must exist). `fs` is
  // borrowed and must outlive the writer.
  static Result<std::unique_ptr<BundleWriter>> create(FileSystem& fs, std::string prefix,
                                                      BundleWriterOptions options = {});
  ~BundleWriter();
  BundleWriter(const BundleWriter&) = delete;
  BundleWriter& operator=(const BundleWriter&) = delete;

  // Appends `tensor` under `name` (non-empty, not added before).
  Status add(std::string_view name, const Tensor& tensor);
  Status add_to_shard(std::string_view name, const Tensor& tensor, int shard_id);

  // Completes the bundle. Without finish(), the destructor removes the
  // temporary data files and leaves any earlier bundle at `prefix` intact.
  Status finish();

  const std::string& prefix() const;

 private:
  struct Impl;
  explicit BundleWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn
