// A Keras model whose files live in a MemoryFileSystem
// (Sequential::set_file_system): a fit with ModelCheckpoint (TF weights saved
// in the background, and whole-model .h5), BackupAndRestore, CSVLogger and TensorBoard, then
// save_weights, load_weights, save, load_model and export, all in memory,
// and nothing on the disk. A callback given its own file system writes there.
#include <gtest/gtest.h>

#include <filesystem>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/keras/callbacks/callbacks.h"
#include "keras/keras_test_util.h"
#include "testing/fault_sweep.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using testing::small_classifier;

// A path that exists in memory only (checked absent from the disk).
constexpr const char* kRoot = "/cairn_keras_memory_fs_test_not_on_disk";

std::string at(const std::string& name) { return std::string(kRoot) + "/" + name; }

bool has_file_starting(FileSystem& fs, const std::string& dir, const std::string& prefix) {
  if (!fs.is_directory(dir)) return false;
  for (const auto& [path, bytes] : cairn::testing::files_under(fs, dir)) {
    if (basename(path).rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Records after each epoch whether BackupAndRestore's backup is in `fs`.
class BackupProbe : public Callback {
 public:
  explicit BackupProbe(FileSystem& fs) : fs_(fs) {}
  void on_epoch_end(int /*epoch*/, const Logs& /*logs*/) override {
    seen.push_back(latest_checkpoint(at("backup"), fs_).value_or(""));
  }
  std::vector<std::string> seen;

 private:
  FileSystem& fs_;
};

TEST(KerasMemoryFileSystemTest, FitWithCallbacksSaveAndLoadStayInMemory) {
  ASSERT_FALSE(std::filesystem::exists(kRoot));
  MemoryFileSystem memory;
  Sequential model = small_classifier(5);
  model.set_file_system(memory);
  auto [x, y] = blobs(60, 1);
  FitOptions fit{.epochs = 2, .batch_size = 16, .validation_split = 0.2, .verbose = 0};
  fit.callbacks = {std::make_shared<ModelCheckpoint>(
                       at("ckpt/cp-{epoch:02d}.ckpt"),
                       ModelCheckpointOptions{.save_weights_only = true, .async_save = true}),
                   std::make_shared<ModelCheckpoint>(at("ckpt/model-{epoch:02d}.h5")),
                   std::make_shared<BackupAndRestore>(at("backup")),
                   std::make_shared<CSVLogger>(at("training.log")),
                   std::make_shared<TensorBoard>(at("logs"))};
  auto probe = std::make_shared<BackupProbe>(memory);
  fit.callbacks.push_back(probe);
  model.fit(x, y, fit);
  EXPECT_EQ(probe->seen, (std::vector<std::string>{at("backup/ckpt-1"), at("backup/ckpt-2")}));

  for (const char* name :
       {"ckpt/checkpoint", "ckpt/cp-02.ckpt.index", "ckpt/cp-02.ckpt.data-00000-of-00001",
        "ckpt/model-01.h5", "ckpt/model-02.h5", "training.log"}) {
    EXPECT_TRUE(memory.file_exists(at(name))) << name;
  }
  EXPECT_EQ(latest_checkpoint(at("ckpt"), memory), at("ckpt/cp-02.ckpt"));
  EXPECT_TRUE(has_file_starting(memory, at("logs/train"), "events.out.tfevents."));
  EXPECT_TRUE(has_file_starting(memory, at("logs/validation"), "events.out.tfevents."));
  EXPECT_FALSE(memory.is_directory(at("backup"))) << "a completed fit removes its backup";

  model.save_weights(at("weights/w"));
  model.save_weights(at("weights/w.h5"));
  model.save(at("whole.h5"));
  model.export_model(at("export"), "saved_model");
  EXPECT_TRUE(memory.file_exists(at("export/saved_model.pb")));

  Sequential from_tf = small_classifier(6);
  from_tf.set_file_system(memory);
  from_tf.load_weights(at("ckpt"));  // a directory: its newest checkpoint
  EXPECT_TRUE(testing::same_weights(from_tf, model));
  Sequential from_h5 = small_classifier(7);
  from_h5.set_file_system(memory);
  from_h5.load_weights(at("weights/w.h5"));
  EXPECT_TRUE(testing::same_weights(from_h5, model));
  Sequential loaded = load_model(at("whole.h5"), memory);
  EXPECT_TRUE(testing::same_weights(loaded, model));
  EXPECT_EQ(&loaded.file_system(), &memory);

  EXPECT_FALSE(std::filesystem::exists(kRoot)) << "something was written to the disk";
}

TEST(KerasMemoryFileSystemTest, CallbackWithItsOwnFileSystemWritesThere) {
  MemoryFileSystem model_files, checkpoint_files;
  Sequential model = small_classifier(5);
  model.set_file_system(model_files);
  auto [x, y] = blobs(30, 1);
  auto checkpoint = std::make_shared<ModelCheckpoint>(
      "/elsewhere/cp.ckpt",
      ModelCheckpointOptions{.save_weights_only = true, .file_system = &checkpoint_files});
  auto log = std::make_shared<CSVLogger>("/elsewhere/log.csv", ',', false, &checkpoint_files);
  model.fit(x, y, {.epochs = 1, .callbacks = {checkpoint, log}, .verbose = 0});
  EXPECT_TRUE(checkpoint_files.file_exists("/elsewhere/cp.ckpt.index"));
  EXPECT_TRUE(checkpoint_files.file_exists("/elsewhere/log.csv"));
  EXPECT_FALSE(model_files.file_exists("/elsewhere"));
}

}  // namespace
}  // namespace cairn::keras
