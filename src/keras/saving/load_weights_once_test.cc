// load_weights through the one restore path (checkpoint/restore.h): each
// byte it restores is read once, what it does not restore is not read, and
// a live model is unchanged after a load that fails on a damaged file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "keras/keras_test_util.h"
#include "keras/saving/weights_tf.h"
#include "testing/counting_file_system.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using testing::same_weights;
using testing::small_classifier;

constexpr char kDataShard[] = "/m/ckpt.data-00000-of-00001";

// A fitted model's TF-format weights, copied from disk into `memory` as /m/ckpt.
void save_fitted(Sequential& model, MemoryFileSystem& memory) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(60, 1);
  model.fit(x, y, {.epochs = 2, .verbose = 0});
  model.save_weights(dir.path() + "/ckpt");
  cairn::testing::copy_directory(default_file_system(), dir.path(), memory);
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    throw_if_error(
        memory.rename_file(dir.path() + "/ckpt" + suffix, std::string("/m/ckpt") + suffix));
  }
}

// The entries of the layers' weights, slots and the optimizer's iterations:
// what load_weights restores (not the hyperparameters or the object graph).
std::vector<BundleEntry> restored_entries(FileSystem& fs) {
  std::vector<BundleEntry> out;
  CheckpointReader reader("/m/ckpt", fs);
  for (const BundleEntry& e : reader.bundle().entries()) {
    if (e.name.starts_with("layer_with_weights-") || e.name.starts_with("optimizer/iter/")) {
      out.push_back(e);
    }
  }
  return out;
}

TEST(LoadWeightsOnceTest, EachRestoredByteIsReadOnceAndNoOtherByte) {
  MemoryFileSystem memory;
  Sequential saved = small_classifier(5);
  save_fitted(saved, memory);
  cairn::testing::CountingFileSystem counting(memory);
  Sequential loaded = small_classifier(99);
  internal::load_tf_weights(counting, loaded, "/m/ckpt");
  EXPECT_TRUE(same_weights(saved, loaded));
  EXPECT_EQ(loaded.optimizer()->iterations(), saved.optimizer()->iterations());

  const std::vector<BundleEntry> entries = restored_entries(memory);
  EXPECT_EQ(entries.size(), 13u);  // 4 weights, 8 slots, iter
  uint64_t restored_bytes = 0;
  for (const BundleEntry& e : entries) {
    EXPECT_EQ(counting.times_read(kDataShard, e.offset, e.size), std::vector<int>(e.size, 1))
        << e.name;
    restored_bytes += e.size;
  }
  EXPECT_EQ(counting.bytes_handed_out(kDataShard), restored_bytes) << "only restored bytes, once";
}

TEST(LoadWeightsOnceTest, AFailedLoadLeavesALiveModelUnchanged) {
  MemoryFileSystem memory;
  Sequential saved = small_classifier(5);
  save_fitted(saved, memory);
  // Damage the last restored tensor in the data file, so the others are read first.
  const std::vector<BundleEntry> entries = restored_entries(memory);
  const BundleEntry* last = &entries[0];
  for (const BundleEntry& e : entries) {
    if (e.offset > last->offset) last = &e;
  }
  (*memory.mutable_contents(kDataShard))[last->offset] ^= 0x10;

  Sequential live = small_classifier(99);
  auto [x, y] = blobs(30, 2);
  live.fit(x, y, {.epochs = 1, .verbose = 0});
  std::vector<Tensor> before;
  for (const nn::Variable* v : live.weights()) before.push_back(v->value);
  for (const nn::Variable* v : live.optimizer()->variables()) before.push_back(v->value);
  const int64_t iterations = live.optimizer()->iterations();

  EXPECT_THROW(internal::load_tf_weights(memory, live, "/m/ckpt"), DataLossError);
  size_t i = 0;
  for (const nn::Variable* v : live.weights()) EXPECT_TRUE(v->value == before[i++]) << v->name;
  for (const nn::Variable* v : live.optimizer()->variables()) {
    EXPECT_TRUE(v->value == before[i++]) << v->name;
  }
  EXPECT_EQ(live.optimizer()->iterations(), iterations);
}

}  // namespace
}  // namespace cairn::keras
