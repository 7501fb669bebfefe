// CheckpointManager over a Checkpoint, as tf.train.CheckpointManager:
// ckpt-N naming from save_counter, retention and the state file's
// timestamps, checkpoint_interval, restore_or_initialize with its fallback
// past a damaged checkpoint, and saves that fail on a faulty disk.
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/fault_injecting_file_system.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

constexpr const char* kDir = "/train/tf_ckpts";

struct Fixture {
  MemoryFileSystem fs;
  Tensor step = Tensor::scalar<int32_t>(1);
  Tensor kernel = Tensor::from_vector<float>({1, 2, 3}, {3});
  Checkpoint ckpt{{{"step", step}, {"net", Checkpoint({{"kernel", kernel}})}}};
  double time = 1000;
  CheckpointManagerOptions options(int max_to_keep) {
    return {.directory = kDir, .max_to_keep = max_to_keep, .clock = [this] { return time; }};
  }
};

TEST(CheckpointManagerObjectTest, SavesCkptNFromTheSaveCounterKeepingTheNewest) {
  Fixture f;
  CheckpointManager manager(f.ckpt, f.options(3), f.fs);
  EXPECT_EQ(manager.latest_checkpoint(), std::nullopt);
  for (int i = 1; i <= 5; ++i) {
    f.time += 10;
    EXPECT_EQ(manager.save(), std::string(kDir) + "/ckpt-" + std::to_string(i));
  }
  EXPECT_EQ(manager.checkpoints(),
            (std::vector<std::string>{std::string(kDir) + "/ckpt-3", std::string(kDir) + "/ckpt-4",
                                      std::string(kDir) + "/ckpt-5"}));
  EXPECT_FALSE(f.fs.file_exists(bundle_index_path(std::string(kDir) + "/ckpt-2")));
  EXPECT_TRUE(f.fs.file_exists(bundle_index_path(std::string(kDir) + "/ckpt-3")));
  CheckpointState state = read_checkpoint_state(f.fs, kDir).value();
  EXPECT_EQ(state.model_checkpoint_path, "ckpt-5");
  EXPECT_EQ(state.all_model_checkpoint_paths,
            (std::vector<std::string>{"ckpt-3", "ckpt-4", "ckpt-5"}));
  EXPECT_EQ(state.all_model_checkpoint_timestamps, (std::vector<double>{1030, 1040, 1050}));
  EXPECT_EQ(state.last_preserved_timestamp, 1000);
  EXPECT_EQ(manager.save(100), std::string(kDir) + "/ckpt-100");  // a number of one's own
  EXPECT_EQ(f.ckpt.save_counter(), 6);
}

TEST(CheckpointManagerObjectTest, KeepsOneEveryNHoursBesideTheNewest) {
  Fixture f;
  CheckpointManagerOptions options = f.options(1);
  options.keep_checkpoint_every_n_hours = 1;
  CheckpointManager manager(f.ckpt, options, f.fs);
  for (double t : {1000.0, 1000.0 + 3600, 1000.0 + 3700}) {
    f.time = t;
    manager.save();
  }
  // ckpt-2, written an hour after retention started counting, is preserved;
  // ckpt-1 (not yet an hour) is deleted.
  EXPECT_FALSE(f.fs.file_exists(bundle_index_path(std::string(kDir) + "/ckpt-1")));
  EXPECT_TRUE(f.fs.file_exists(bundle_index_path(std::string(kDir) + "/ckpt-2")));
  EXPECT_EQ(read_checkpoint_state(f.fs, kDir).value().last_preserved_timestamp, 1000.0 + 3600);
}

TEST(CheckpointManagerObjectTest, CheckpointIntervalSavesEveryNSteps) {
  Fixture f;
  CheckpointManagerOptions options = f.options(0);
  options.checkpoint_interval = 10;
  options.step_counter = &f.step;
  CheckpointManager manager(f.ckpt, options, f.fs);
  std::vector<int> saved_at;
  for (int s = 1; s <= 25; ++s) {
    f.step.flat<int32_t>()[0] = s;
    if (manager.save()) saved_at.push_back(s);
  }
  EXPECT_EQ(saved_at, (std::vector<int>{1, 11, 21}));
  // Step 25, before the interval: saved when asked to; never twice at one step.
  EXPECT_EQ(manager.save(std::nullopt, /*check_interval=*/false), std::string(kDir) + "/ckpt-4");
  EXPECT_EQ(manager.save(std::nullopt, /*check_interval=*/false), std::nullopt);
}

TEST(CheckpointManagerObjectTest, RestoreOrInitializeResumesFromTheNewest) {
  Fixture f;
  int initialized = 0;
  CheckpointManagerOptions options = f.options(3);
  options.init_fn = [&] { ++initialized; };
  {
    CheckpointManager manager(f.ckpt, options, f.fs);
    EXPECT_EQ(manager.restore_or_initialize(), std::nullopt);
    EXPECT_EQ(initialized, 1);
    for (int s = 1; s <= 2; ++s) {
      f.step.flat<int32_t>()[0] = s * 10;
      manager.save();
    }
  }
  Tensor step = Tensor::scalar<int32_t>(0);
  Tensor kernel(DType::kFloat32, {3});
  Checkpoint again({{"net", Checkpoint({{"kernel", kernel}})}, {"step", step}});
  CheckpointManager manager(again, options, f.fs);
  EXPECT_EQ(manager.restore_or_initialize(), std::string(kDir) + "/ckpt-2");
  EXPECT_EQ(initialized, 1);
  EXPECT_EQ(step, Tensor::scalar<int32_t>(20));
  EXPECT_EQ(kernel, f.kernel);
  EXPECT_EQ(manager.save(), std::string(kDir) + "/ckpt-3");  // the counter was restored
}

TEST(CheckpointManagerObjectTest, DamagedNewestFallsBackToThePreviousIntactOne) {
  Fixture f;
  CheckpointManager manager(f.ckpt, f.options(3), f.fs);
  for (int s = 1; s <= 2; ++s) {
    f.step.flat<int32_t>()[0] = s;
    manager.save();
  }
  const std::string data = bundle_data_path(std::string(kDir) + "/ckpt-2", 0, 1);
  std::string bytes = f.fs.read_file(data).value();
  bytes[0] = static_cast<char>(bytes[0] ^ 0x40);  // the first tensor's first byte
  ASSERT_TRUE(f.fs.write_file_atomically(data, bytes).ok());
  Tensor step = Tensor::scalar<int32_t>(0);
  Tensor kernel(DType::kFloat32, {3});
  Checkpoint again({{"net", Checkpoint({{"kernel", kernel}})}, {"step", step}});
  CheckpointLoadStatus status = again.restore(kDir, f.fs);
  EXPECT_EQ(status.path(), std::string(kDir) + "/ckpt-1");
  ASSERT_EQ(status.skipped().size(), 1u);
  EXPECT_NE(status.skipped()[0].find("ckpt-2 is damaged"), std::string::npos)
      << status.skipped()[0];
  EXPECT_EQ(step, Tensor::scalar<int32_t>(1));
  CheckpointManager second(again, f.options(3), f.fs);
  EXPECT_EQ(second.restore_or_initialize(), std::string(kDir) + "/ckpt-1");
}

TEST(CheckpointManagerObjectTest, DamagedObjectGraphFallsBackToo) {
  Fixture f;
  CheckpointManager manager(f.ckpt, f.options(3), f.fs);
  manager.save();
  f.step.flat<int32_t>()[0] = 2;
  const std::string newest = manager.save().value();
  const BundleEntry graph =
      *CheckpointReader(newest, f.fs).bundle().find(std::string(kObjectGraphKey));
  const std::string data = bundle_data_path(newest, graph.shard_id, 1);
  std::string bytes = f.fs.read_file(data).value();
  bytes[graph.offset + graph.size / 2] ^= 0x01;
  ASSERT_TRUE(f.fs.write_file_atomically(data, bytes).ok());
  Tensor step = Tensor::scalar<int32_t>(0);
  Tensor kernel(DType::kFloat32, {3});
  Checkpoint again({{"net", Checkpoint({{"kernel", kernel}})}, {"step", step}});
  CheckpointLoadStatus status = again.restore(kDir, f.fs);
  EXPECT_EQ(status.path(), std::string(kDir) + "/ckpt-1");
  EXPECT_EQ(step, Tensor::scalar<int32_t>(1));
  EXPECT_THROW(again.restore(newest, f.fs), DataLossError);  // no fallback from a prefix
}

TEST(CheckpointManagerObjectTest, FailedSaveLeavesThePreviousCheckpointAndCounter) {
  MemoryFileSystem memory;
  FaultInjectingFileSystem fs(memory);
  Fixture f;
  CheckpointManager manager(f.ckpt, f.options(3), fs);
  manager.save();
  for (Fault fault :
       {Fault::kNoSpace, Fault::kShortWrite, Fault::kSyncError, Fault::kRenameError}) {
    fs.inject(fault, 0);
    EXPECT_THROW(manager.save(), Error);
    EXPECT_TRUE(fs.fired());
    EXPECT_EQ(f.ckpt.save_counter(), 1);
    EXPECT_EQ(manager.latest_checkpoint(), std::string(kDir) + "/ckpt-1");
    EXPECT_EQ(read_checkpoint_state(fs, kDir).value().model_checkpoint_path, "ckpt-1");
  }
  fs.clear();
  EXPECT_EQ(manager.save(), std::string(kDir) + "/ckpt-2");
}

TEST(CheckpointManagerObjectTest, ASecondWriterOnTheDirectoryIsRefused) {
  Fixture f;
  CheckpointManager first(f.ckpt, f.options(3), f.fs);
  first.save();
  Tensor step = Tensor::scalar<int32_t>(0);
  Checkpoint other({{"step", step}});
  CheckpointManager second(other, f.options(3), f.fs);
  EXPECT_EQ(second.restore_or_initialize(), std::string(kDir) + "/ckpt-1");  // readers may
  EXPECT_THROW(second.save(), FailedPreconditionError);
  EXPECT_EQ(first.save(), std::string(kDir) + "/ckpt-2");
}

TEST(CheckpointManagerObjectTest, SaveWithoutACheckpointIsRefused) {
  MemoryFileSystem fs;
  CheckpointManager manager({.directory = kDir}, fs);
  EXPECT_THROW(manager.save(), FailedPreconditionError);
  EXPECT_THROW(manager.restore_or_initialize(), FailedPreconditionError);
}

}  // namespace
}  // namespace cairn
