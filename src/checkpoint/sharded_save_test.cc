// CheckpointManager::save in a group of ranks (threads of an InProcessGroup
// over one in-memory disk): every rank writes its shard of one bundle, rank
// 0 the merged index, the .meta and the state file; a rank's failure or
// absence is every rank's error, naming it, and the previous checkpoint
// stays the newest, intact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "cairn/checkpoint/async_saver.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/core/in_process_group.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/io/fault_injecting_file_system.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

constexpr const char* kShardedDir = "/m";

Tensor filled_vector(int64_t n, float value) {
  Tensor t(DType::kFloat32, {n});
  for (float& x : t.flat<float>()) x = value;
  return t;
}

// Tensors of different sizes, with an optimizer's slots beside the kernel.
NamedTensors step_model(int step) {
  const auto v = static_cast<float>(step);
  return {{"dense/kernel", filled_vector(1000, v)},
          {"dense/kernel/Adam", filled_vector(1000, v + 0.5f)},
          {"dense/kernel/Adam_1", filled_vector(1000, v + 0.25f)},
          {"dense/bias", filled_vector(10, v)},
          {"beta1_power", Tensor::scalar<float>(0.9f)},
          {"global_step", Tensor::scalar<int64_t>(step)}};
}

std::string newest(FileSystem& fs) {
  return read_checkpoint_state(fs, kShardedDir)->model_checkpoint_path;
}

void expect_holds(FileSystem& fs, const std::string& prefix, const NamedTensors& tensors) {
  CheckpointReader reader(prefix, fs);
  EXPECT_EQ(reader.bundle().entries().size(), tensors.size());
  for (const auto& [name, t] : tensors) EXPECT_TRUE(reader.get_tensor(name) == t) << name;
}

// What the error a rank threw said.
struct Thrown {
  StatusCode code = StatusCode::kOk;
  std::string what;
};

class ShardedSaveTest : public ::testing::Test {
 protected:
  // Runs `fn(rank)` on every rank of a group of `n`; returns what each threw.
  std::vector<Thrown> on_ranks(int n, const std::function<void(ProcessGroup&)>& fn,
                               double timeout = 20) {
    InProcessGroup group(n, {.timeout_seconds = timeout});
    std::vector<Thrown> thrown(static_cast<size_t>(n));
    group.run([&](ProcessGroup& rank) {
      try {
        fn(rank);
      } catch (const Error& e) {
        thrown[static_cast<size_t>(rank.rank())] = {e.code(), e.what()};
      }
    });
    return thrown;
  }

  // Every rank saves `step` through its own manager on `fs_of(rank)`.
  std::vector<Thrown> save_on_ranks(int n, int step,
                                    const std::function<FileSystem&(int rank)>& fs_of,
                                    double timeout = 20) {
    const NamedTensors tensors = step_model(step);
    return on_ranks(
        n,
        [&](ProcessGroup& rank) {
          CheckpointManager manager({.directory = kShardedDir, .group = &rank}, fs_of(rank.rank()));
          manager.save(step, tensors);
        },
        timeout);
  }

  MemoryFileSystem disk_;
};

TEST_F(ShardedSaveTest, EveryRankWritesItsShardAndRankZeroTheIndexMetaAndState) {
  std::atomic<int> metas = 0;
  const NamedTensors tensors = step_model(200);
  std::vector<std::string> kept(2);
  on_ranks(2, [&](ProcessGroup& rank) {
    CheckpointManager manager({.directory = kShardedDir, .group = &rank}, disk_);
    manager.save(200, tensors, [&](const std::string& prefix) {
      ++metas;
      throw_if_error(disk_.write_file_atomically(checkpoint_meta_path(prefix), "meta"));
    });
    kept[static_cast<size_t>(rank.rank())] = manager.checkpoints().back();
  });
  EXPECT_EQ(metas, 1) << "before_commit runs on rank 0 only";
  EXPECT_EQ(newest(disk_), "model.ckpt-200");
  EXPECT_THAT(kept, ::testing::Each(std::string(kShardedDir) + "/model.ckpt-200"));
  CheckpointReader reader(std::string(kShardedDir) + "/model.ckpt-200", disk_);
  EXPECT_EQ(reader.bundle().num_shards(), 2);
  for (int shard : {0, 1}) {
    EXPECT_GT(*disk_.file_size(std::string(kShardedDir) + "/model.ckpt-200.data-0000" +
                               std::to_string(shard) + "-of-00002"),
              4000u)
        << "balanced by bytes: each shard holds about one and a half of the three kernels";
  }
  expect_holds(disk_, std::string(kShardedDir) + "/model.ckpt-200", tensors);
  EXPECT_EQ(disk_.list_directory(kShardedDir)->size(), 5u) << "index, 2 shards, meta, state file";
}

TEST_F(ShardedSaveTest, ARankWithoutVariablesWritesAnEmptyShard) {
  const NamedTensors tensors = {{"w", filled_vector(4, 1)}, {"b", filled_vector(2, 2)}};
  on_ranks(3, [&](ProcessGroup& rank) {
    CheckpointManager({.directory = kShardedDir, .group = &rank}, disk_).save(1, tensors);
  });
  EXPECT_EQ(*disk_.file_size(std::string(kShardedDir) + "/model.ckpt-1.data-00002-of-00003"), 0u);
  expect_holds(disk_, std::string(kShardedDir) + "/model.ckpt-1", tensors);
}

TEST_F(ShardedSaveTest, OneRankWritesTheSameBytesAsSaveVariables) {
  const NamedTensors tensors = step_model(7);
  CheckpointManager({.directory = kShardedDir}, disk_).save(7, tensors);
  save_variables("/other/model.ckpt-7", tensors, {}, disk_);
  for (const std::string suffix : {".index", ".data-00000-of-00001"}) {
    EXPECT_EQ(*disk_.read_file(std::string(kShardedDir) + "/model.ckpt-7" + suffix),
              *disk_.read_file("/other/model.ckpt-7" + suffix));
  }
}

TEST_F(ShardedSaveTest, RetentionAndTheStateFileAreRankZerosAlone) {
  FaultInjectingFileSystem watched(disk_);  // rank 1's view, counting its renames
  InProcessGroup group(2, {.timeout_seconds = 20});
  std::vector<std::unique_ptr<CheckpointManager>> managers;  // made before any state file exists
  for (int r : {0, 1}) {
    managers.push_back(std::make_unique<CheckpointManager>(
        CheckpointManagerOptions{
            .directory = kShardedDir, .max_to_keep = 2, .group = &group.rank(r)},
        r == 1 ? static_cast<FileSystem&>(watched) : disk_));
  }
  for (int step : {1, 2, 3}) {
    group.run([&](ProcessGroup& rank) {
      managers[static_cast<size_t>(rank.rank())]->save(step, step_model(step));
    });
  }
  EXPECT_EQ(read_checkpoint_state(disk_, kShardedDir)->all_model_checkpoint_paths,
            (std::vector<std::string>{"model.ckpt-2", "model.ckpt-3"}));
  EXPECT_FALSE(disk_.file_exists(std::string(kShardedDir) + "/model.ckpt-1.data-00001-of-00002"));
  EXPECT_EQ(watched.count(Fault::kRenameError), 0)
      << "rank 1 renamed nothing: no state file, no commit of its shard";
}

TEST_F(ShardedSaveTest, ARankOutOfDiskSpaceFailsEveryRankAndKeepsThePreviousCheckpoint) {
  ASSERT_THAT(save_on_ranks(2, 100, [&](int) -> FileSystem& { return disk_; }),
              ::testing::Each(::testing::Field(&Thrown::code, StatusCode::kOk)));
  FaultInjectingFileSystem full(disk_);
  full.inject(Fault::kNoSpace, 0);
  const std::vector<Thrown> thrown = save_on_ranks(2, 200, [&](int r) -> FileSystem& {
    return r == 1 ? static_cast<FileSystem&>(full) : disk_;
  });
  for (const Thrown& t : thrown) {
    EXPECT_EQ(t.code, StatusCode::kResourceExhausted) << t.what;
    EXPECT_THAT(t.what, HasSubstr("rank 1: "));
    EXPECT_THAT(t.what, HasSubstr("model.ckpt-200.data-00001-of-00002"));
  }
  EXPECT_EQ(newest(disk_), "model.ckpt-100");
  expect_holds(disk_, std::string(kShardedDir) + "/model.ckpt-100", step_model(100));
  const std::vector<std::string> names = *disk_.list_directory(kShardedDir);
  for (const std::string& name : names) {
    EXPECT_THAT(name, ::testing::Not(HasSubstr("ckpt-200"))) << "nothing of step 200 is left";
  }
}

TEST_F(ShardedSaveTest, AFailedSyncOnOneRankIsDataLossOnEveryRank) {
  FaultInjectingFileSystem failing(disk_);
  failing.inject(Fault::kSyncError, 0);
  const std::vector<Thrown> thrown = save_on_ranks(3, 200, [&](int r) -> FileSystem& {
    return r == 2 ? static_cast<FileSystem&>(failing) : disk_;
  });
  for (const Thrown& t : thrown) {
    EXPECT_EQ(t.code, StatusCode::kDataLoss) << t.what;
    EXPECT_THAT(t.what, HasSubstr("rank 2: "));
  }
  EXPECT_FALSE(disk_.file_exists(std::string(kShardedDir) + "/model.ckpt-200.index"));
}

TEST_F(ShardedSaveTest, ARankThatNeverArrivesIsNamedWithTheStep) {
  const NamedTensors tensors = step_model(200);
  const std::vector<Thrown> thrown = on_ranks(
      3,
      [&](ProcessGroup& rank) {
        if (rank.rank() == 2) return;  // a rank that died before the save
        CheckpointManager({.directory = kShardedDir, .group = &rank}, disk_).save(200, tensors);
      },
      /*timeout=*/0.5);
  for (int r : {0, 1}) {
    EXPECT_EQ(thrown[static_cast<size_t>(r)].code, StatusCode::kDeadlineExceeded);
    EXPECT_THAT(thrown[static_cast<size_t>(r)].what, HasSubstr("checkpoint save at step 200"));
    EXPECT_THAT(thrown[static_cast<size_t>(r)].what, HasSubstr("rank 2 did not arrive"));
  }
  EXPECT_FALSE(disk_.file_exists(std::string(kShardedDir) + "/model.ckpt-200.index"));
}

TEST_F(ShardedSaveTest, AsynchronousSavesInAGroupAreRefused) {
  const NamedTensors tensors = step_model(5);
  const std::vector<Thrown> thrown = on_ranks(2, [&](ProcessGroup& rank) {
    CheckpointManager manager({.directory = kShardedDir, .group = &rank}, disk_);
    AsyncSaver saver;
    saver.save(refs_to(tensors), [&](const NamedTensors& copy) { manager.save(5, copy); });
    saver.wait();
  });
  for (const Thrown& t : thrown) {
    EXPECT_EQ(t.code, StatusCode::kFailedPrecondition) << t.what;
    EXPECT_THAT(t.what, HasSubstr("asynchronous saves are not supported with 2 ranks"));
  }
}

}  // namespace
}  // namespace cairn
