// Names and metadata shared by BundleWriter and BundleReader: TensorFlow's
// V2 checkpoint format ("tensor bundle"). A checkpoint with prefix P is
//
//   P.index                     LevelDB table: "" -> BundleHeaderProto,
//                               tensor name -> BundleEntryProto
//   P.data-00000-of-0000N ...   raw tensor bytes, one file per shard
//
// Full byte layout: docs/formats/tensor_bundle.md.
//
//   cairn::bundle_index_path("models/iris/model.ckpt-200")
//       // "models/iris/model.ckpt-200.index"
//   cairn::bundle_data_path("models/iris/model.ckpt-200", 0, 1)
//       // "models/iris/model.ckpt-200.data-00000-of-00001"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/core/dtype.h"
#include "cairn/core/tensor_shape.h"

namespace cairn {

// The producer version cairn writes in BundleHeaderProto.version, and the
// oldest version it reads: TensorFlow's kTensorBundleVersion (1) and
// kTensorBundleMinConsumer (0).
inline constexpr int kBundleVersion = 1;
inline constexpr int kBundleMinConsumer = 0;

// Most shards a bundle may declare (a guard against corrupt headers).
inline constexpr int kMaxBundleShards = 1 << 16;

std::string bundle_index_path(std::string_view prefix);
std::string bundle_data_path(std::string_view prefix, int shard_id, int num_shards);
// True for ".index", ".meta" and ".data-NNNNN-of-NNNNN": the suffixes a
// checkpoint's files add to its prefix.
bool is_bundle_file_suffix(std::string_view suffix);

// What the index says about one tensor.
struct BundleEntry {
  std::string name;
  DType dtype = DType::kInvalid;
  int raw_dtype = 0;  // the DataType number as stored, even when unknown to cairn
  TensorShape shape;
  int shard_id = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t masked_crc32c = 0;
  bool is_sliced = false;  // a partitioned variable: listed, not readable
};

}  // namespace cairn
