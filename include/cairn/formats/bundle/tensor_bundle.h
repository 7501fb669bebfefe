// Names and metadata shared by BundleWriter and BundleReader: TensorFlow's
// V2 checkpoint format ("tensor bundle"). A checkpoint with prefix P is
//
//   P.index                     LevelDB table: "" -> BundleHeaderProto,
//                               tensor name -> BundleEntryProto
//   P.data-00000-of-0000N ...   raw tensor bytes, one file per shard
//   P.meta                      the MetaGraphDef an Estimator saves beside it
//
// Full byte layout: docs/formats/tensor_bundle.md. This header is the one
// home of those names: the rest of cairn builds and parses checkpoint file
// names only through the functions below (the `checkpoint` state file's name
// is in checkpoint_state.h).
//
//   cairn::bundle_index_path("models/iris/model.ckpt-200")
//       // "models/iris/model.ckpt-200.index"
//   cairn::bundle_data_path("models/iris/model.ckpt-200", 0, 1)
//       // "models/iris/model.ckpt-200.data-00000-of-00001"
//   cairn::checkpoint_prefix("models/iris", "model.ckpt", 200)
//       // "models/iris/model.ckpt-200"
//   cairn::checkpoint_step("models/iris/model.ckpt-200")              // 200
//   cairn::parse_bundle_file_name("model.ckpt-200.index")->prefix     // "model.ckpt-200"
#pragma once

#include <cstdint>
#include <optional>
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

// The name TensorFlow's Saver and cairn give checkpoints: DIR/model.ckpt-STEP.
inline constexpr std::string_view kDefaultCheckpointName = "model.ckpt";

// What BundleWriter puts between a file's final name and 16 random hex
// digits while it writes it ("P.index.tempstate0123456789abcdef"; see
// temporary_path_for in io/file_system.h).
inline constexpr std::string_view kBundleTemporaryMarker = ".tempstate";

// The files of the checkpoint `prefix`.
std::string bundle_index_path(std::string_view prefix);
std::string bundle_data_path(std::string_view prefix, int shard_id, int num_shards);
std::string checkpoint_meta_path(std::string_view prefix);

// Where an overwrite of `prefix` keeps the bundle it replaces until the new
// one is in place (bundle_commit.cc): "P.previous", itself a bundle prefix.
std::string previous_bundle_prefix(std::string_view prefix);
// True for such a copy's prefix ("P.previous").
bool is_previous_bundle_prefix(std::string_view prefix);

// True for ".index", ".meta" and ".data-NNNNN-of-NNNNN": the suffixes a
// checkpoint's files add to its prefix.
bool is_bundle_file_suffix(std::string_view suffix);

enum class BundleFileKind { kIndex, kData, kMeta };

// A checkpoint file's name split into its prefix and what it holds.
struct BundleFileName {
  std::string_view prefix;  // a view into the parsed name; never empty
  BundleFileKind kind = BundleFileKind::kIndex;
};

// "dir/x.index", "x.meta", "x.data-00000-of-00001" -> prefix and kind;
// nullopt for every other name (temporaries, ".index" alone, "x.index2").
std::optional<BundleFileName> parse_bundle_file_name(std::string_view name);
inline bool is_bundle_file(std::string_view name) {
  return parse_bundle_file_name(name).has_value();
}

// The prefix of step `step` of the checkpoints named `name` in `dir`:
// "DIR/NAME-STEP" (just "NAME-STEP" when `dir` is empty).
std::string checkpoint_prefix(std::string_view dir, std::string_view name, int64_t step);

// A checkpoint prefix's base name split at its step: "dir/model.ckpt-200" ->
// {"model.ckpt", 200}. nullopt without a step of 1 to 15 digits after the
// last '-' of the base name.
struct CheckpointName {
  std::string name;  // "model.ckpt"
  int64_t step = 0;  // 200
};
std::optional<CheckpointName> parse_checkpoint_prefix(std::string_view prefix);

// The step of a prefix named NAME-STEP ("dir/model.ckpt-200" -> 200), or nullopt.
std::optional<int64_t> checkpoint_step(std::string_view prefix);

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
