// Leftovers of saves killed before their rename: recognised by the names
// the real writers generate, never taken for checkpoints, and removed
// without touching anything else.
#include "cairn/checkpoint/stale_temporaries.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Once `crash` is set, renames fail and nothing is removed: what a process
// killed after writing its temporaries and before renaming them leaves.
class CrashingFileSystem : public MemoryFileSystem {
 public:
  bool crash = false;
  Status rename_file(const std::string& from, const std::string& to) override {
    if (crash) return internal_error("rename " + from + ": killed");
    return MemoryFileSystem::rename_file(from, to);
  }
  Status remove_file(const std::string& path) override {
    if (crash) return internal_error("remove " + path + ": killed");
    return MemoryFileSystem::remove_file(path);
  }
};

NamedTensors scalar_tensors(float v) { return {{"w", Tensor::scalar<float>(v)}}; }

TEST(StaleTemporariesTest, RecognisesOnlyOurPatterns) {
  EXPECT_TRUE(is_stale_temporary_name("model.ckpt-5.index.tempstate0123456789abcdef"));
  EXPECT_TRUE(
      is_stale_temporary_name("model.ckpt-5.data-00000-of-00001.tempstatefedcba9876543210"));
  EXPECT_TRUE(is_stale_temporary_name("checkpoint.tmp00000000deadbeef"));
  EXPECT_TRUE(is_stale_temporary_name("model.h5.tmpaaaaaaaaaaaaaaaa"));
  for (const char* name :
       {"model.ckpt-5.index", "checkpoint", "notes.tmp", ".tmp0123456789abcdef",
        "x.tmp0123456789ABCDEF", "x.tmp0123456789abcde", "x.tmp0123456789abcdefa",
        "x.temp0123456789abcdef", "x.tempstate5863447183536432424",
        "model.ckpt-5_temp_00000000000000000000000000000000"}) {
    EXPECT_FALSE(is_stale_temporary_name(name)) << name;
  }
}

TEST(StaleTemporariesTest, LeftoversOfKilledSavesAreNeverCheckpointsAndAreRemoved) {
  CrashingFileSystem fs;
  CheckpointManager manager({.directory = "/m", .max_to_keep = 2}, fs);
  manager.save(1, scalar_tensors(1));
  ASSERT_TRUE(fs.write_file_atomically("/m/notes.tmp", "a user's file").ok());
  fs.crash = true;
  EXPECT_THROW(manager.save(2, scalar_tensors(2)), Error);
  EXPECT_FALSE(fs.write_file_atomically("/m/model.h5", "h5 bytes").ok());
  fs.crash = false;

  std::vector<std::string> before = value_or_throw(fs.list_directory("/m"));
  std::vector<std::string> leftovers;
  for (const std::string& name : before) {
    if (is_stale_temporary_name(name)) leftovers.push_back(name);
  }
  // Two data/index temporaries of step 2, and the .h5 one.
  ASSERT_EQ(leftovers.size(), 3u) << ::testing::PrintToString(before);
  EXPECT_EQ(latest_checkpoint("/m", fs), "/m/model.ckpt-1");
  EXPECT_EQ(CheckpointManager({.directory = "/m"}, fs).checkpoints(),
            std::vector<std::string>{"/m/model.ckpt-1"});

  EXPECT_EQ(remove_stale_temporaries("/m", fs), leftovers);
  EXPECT_THAT(value_or_throw(fs.list_directory("/m")),
              ElementsAre("checkpoint", "model.ckpt-1.data-00000-of-00001", "model.ckpt-1.index",
                          "notes.tmp"));
  EXPECT_EQ(CheckpointReader("/m", fs).get_tensor("w").flat<float>()[0], 1.0f);
}

TEST(StaleTemporariesTest, MissingDirectoryHasNothingToRemove) {
  MemoryFileSystem fs;
  EXPECT_THAT(remove_stale_temporaries("/nowhere", fs), IsEmpty());
}

TEST(StaleTemporariesTest, WorksOnARealDirectory) {
  testing::TempDir tmp;
  FileSystem& fs = default_file_system();
  save_variables(tmp.path() + "/model.ckpt-3", scalar_tensors(3), {}, fs);
  for (const char* name :
       {"model.ckpt-4.index.tempstate0123456789abcdef", "checkpoint.tmp0123456789abcdef"}) {
    ASSERT_TRUE(fs.write_file_atomically(join_path(tmp.path(), name), "partial").ok());
  }
  EXPECT_EQ(remove_stale_temporaries(tmp.path(), fs).size(), 2u);
  EXPECT_THAT(value_or_throw(fs.list_directory(tmp.path())),
              ElementsAre("checkpoint", "model.ckpt-3.data-00000-of-00001", "model.ckpt-3.index"));
}

TEST(StaleTemporariesTest, SymlinkNamedLikeATemporaryIsNotFollowedNorRemoved) {
  testing::TempDir tmp;
  FileSystem& fs = default_file_system();
  const std::string model = join_path(tmp.path(), "model");
  const std::string precious = join_path(tmp.path(), "precious");
  ASSERT_TRUE(fs.create_directories(model).ok());
  ASSERT_TRUE(fs.write_file_atomically(precious, "keep me").ok());
  const std::string link = join_path(model, "checkpoint.tmp0123456789abcdef");
  ASSERT_EQ(::symlink(precious.c_str(), link.c_str()), 0);
  EXPECT_THAT(remove_stale_temporaries(model, fs), IsEmpty());
  EXPECT_EQ(*fs.file_type(link), FileType::kSymlink);
  EXPECT_EQ(*fs.read_file(precious), "keep me");
}

}  // namespace
}  // namespace cairn
