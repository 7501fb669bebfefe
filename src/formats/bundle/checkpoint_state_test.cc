// The `checkpoint` state file: parsing TensorFlow's (TF 1 absolute paths,
// TF 2 timestamps), printing it the way TensorFlow does, and replacing it
// atomically so a full disk never leaves a model directory without one.
#include <gtest/gtest.h>

#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using testing::contains;

void expect_same_state(const CheckpointState& a, const CheckpointState& b) {
  EXPECT_EQ(a.model_checkpoint_path, b.model_checkpoint_path);
  EXPECT_EQ(a.all_model_checkpoint_paths, b.all_model_checkpoint_paths);
  EXPECT_EQ(a.all_model_checkpoint_timestamps, b.all_model_checkpoint_timestamps);
  EXPECT_EQ(a.last_preserved_timestamp, b.last_preserved_timestamp);
}

TEST(CheckpointStateTest, SerializeThenParseKeepsEveryFieldExactly) {
  CheckpointState state;
  state.model_checkpoint_path = "model.ckpt-200";
  state.all_model_checkpoint_paths = {"/abs/model.ckpt-1", "sub dir/model \"q\".ckpt-2",
                                      "mod\xc3\xa8le-3", "model.ckpt-200"};
  state.all_model_checkpoint_timestamps = {1631786674.830938, 1631786674.9779377, 0.1, 1e-300};
  state.last_preserved_timestamp = 1631779547.777057;
  std::string text = serialize_checkpoint_state(state);
  auto parsed = parse_checkpoint_state(text, "mem/checkpoint");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string() << "\n" << text;
  expect_same_state(*parsed, state);
}

TEST(CheckpointStateTest, SerializesFieldsInTensorFlowsOrderAndSpelling) {
  CheckpointState state;
  state.model_checkpoint_path = "model.ckpt-200";
  state.all_model_checkpoint_paths = {"model.ckpt-1", "model.ckpt-200"};
  state.all_model_checkpoint_timestamps = {1700000000.5, 1700000042.25};
  state.last_preserved_timestamp = 1699999990.0;
  EXPECT_EQ(serialize_checkpoint_state(state),
            "model_checkpoint_path: \"model.ckpt-200\"\n"
            "all_model_checkpoint_paths: \"model.ckpt-1\"\n"
            "all_model_checkpoint_paths: \"model.ckpt-200\"\n"
            "all_model_checkpoint_timestamps: 1700000000.5\n"
            "all_model_checkpoint_timestamps: 1700000042.25\n"
            "last_preserved_timestamp: 1699999990\n");
}

class CheckpointStateFixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixtures_ = testing::fixtures_dir();
    if (!fixtures_) GTEST_SKIP() << testing::kNoSharedMessage;
  }
  CheckpointState read(const std::string& dir) {
    auto state = read_checkpoint_state(default_file_system(), *fixtures_ + "/" + dir);
    EXPECT_TRUE(state.ok()) << state.status().to_string();
    return state.ok() ? *state : CheckpointState{};
  }
  std::string text(const std::string& dir) {
    auto bytes = default_file_system().read_file(*fixtures_ + "/" + dir + "/checkpoint");
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : "";
  }
  std::optional<std::string> fixtures_;
};

TEST_F(CheckpointStateFixturesTest, Tf1EstimatorStateKeepsItsAbsolutePathsInOrder) {
  CheckpointState s = read("hishmad-iris-estimator/iris_model");
  const std::string dir = "/Volumes/MacAndroidStudio/ml-books/basic-ml/iris_model/";
  EXPECT_EQ(s.model_checkpoint_path, dir + "model.ckpt-8000");
  EXPECT_EQ(s.all_model_checkpoint_paths,
            (std::vector<std::string>{dir + "model.ckpt-4000", dir + "model.ckpt-4001",
                                      dir + "model.ckpt-6000", dir + "model.ckpt-6001",
                                      dir + "model.ckpt-8000"}));
  EXPECT_TRUE(s.all_model_checkpoint_timestamps.empty());
  EXPECT_FALSE(s.last_preserved_timestamp.has_value());
}

TEST_F(CheckpointStateFixturesTest, Tf2CheckpointManagerStateHasTimestamps) {
  CheckpointState s = read("tf-guide-checkpoints-james/tf_ckpts");
  EXPECT_EQ(s.model_checkpoint_path, "ckpt-40");
  EXPECT_EQ(s.all_model_checkpoint_paths,
            (std::vector<std::string>{"ckpt-38", "ckpt-39", "ckpt-40"}));
  EXPECT_EQ(s.all_model_checkpoint_timestamps,
            (std::vector<double>{1631786674.830938, 1631786674.9779377, 1631786675.111937}));
  ASSERT_TRUE(s.last_preserved_timestamp.has_value());
  EXPECT_EQ(*s.last_preserved_timestamp, 1631779547.777057);
}

TEST_F(CheckpointStateFixturesTest, TfCheckpointAndSaverStatesNameOneRelativeCheckpoint) {
  CheckpointState easy = read("tf-guide-checkpoints-james/tmp");
  EXPECT_EQ(easy.model_checkpoint_path, "easy_checkpoint");
  EXPECT_EQ(easy.all_model_checkpoint_paths, std::vector<std::string>{"easy_checkpoint"});
  EXPECT_TRUE(easy.all_model_checkpoint_timestamps.empty());
  CheckpointState saver = read("tf2onnx-regression/checkpoint");
  EXPECT_EQ(saver.model_checkpoint_path, "model");
  EXPECT_EQ(saver.all_model_checkpoint_paths, std::vector<std::string>{"model"});
}

TEST_F(CheckpointStateFixturesTest, PrintingAFixtureStateReproducesTensorFlowsText) {
  for (const char* dir : {"hishmad-iris-estimator/iris_model", "tf-guide-checkpoints-james/tmp",
                          "tf2onnx-regression/checkpoint"}) {
    EXPECT_EQ(serialize_checkpoint_state(read(dir)), text(dir)) << dir;
  }
  // TensorFlow's Python prints the shortest round-tripping double
  // (1631786674.830938); C++ TextFormat may print 17 digits. The values
  // must survive a round trip either way.
  CheckpointState tf2 = read("tf-guide-checkpoints-james/tf_ckpts");
  auto again = parse_checkpoint_state(serialize_checkpoint_state(tf2), "again");
  ASSERT_TRUE(again.ok());
  expect_same_state(*again, tf2);
}

TEST(CheckpointStateWriteTest, PathsInsideTheDirectoryAreWrittenRelative) {
  MemoryFileSystem fs;
  CheckpointState state;
  state.model_checkpoint_path = "/models/iris/model.ckpt-2";
  state.all_model_checkpoint_paths = {"/elsewhere/model.ckpt-0", "/models/iris/model.ckpt-1",
                                      "/models/iris/model.ckpt-2", "already-relative"};
  ASSERT_TRUE(write_checkpoint_state(fs, "/models/iris", state).ok());
  auto back = read_checkpoint_state(fs, "/models/iris");
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->model_checkpoint_path, "model.ckpt-2");
  EXPECT_EQ(back->all_model_checkpoint_paths,
            (std::vector<std::string>{"/elsewhere/model.ckpt-0", "model.ckpt-1", "model.ckpt-2",
                                      "already-relative"}));

  state.model_checkpoint_path = "runs/a/model.ckpt-9";
  state.all_model_checkpoint_paths = {"runs/a/model.ckpt-9"};
  ASSERT_TRUE(write_checkpoint_state(fs, "runs/a", state).ok());
  auto relative_dir = read_checkpoint_state(fs, "runs/a");
  ASSERT_TRUE(relative_dir.ok());
  EXPECT_EQ(relative_dir->model_checkpoint_path, "model.ckpt-9");
}

TEST(CheckpointStateWriteTest, DirectoryGivenWithTrailingSlashStillGetsRelativePaths) {
  MemoryFileSystem fs;
  CheckpointState state;
  state.model_checkpoint_path = "/models/iris/model.ckpt-3";
  state.all_model_checkpoint_paths = {"/models/iris/model.ckpt-3"};
  ASSERT_TRUE(write_checkpoint_state(fs, "/models/iris/", state).ok());
  auto back = read_checkpoint_state(fs, "/models/iris");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->model_checkpoint_path, "model.ckpt-3");
  EXPECT_EQ(back->all_model_checkpoint_paths, std::vector<std::string>{"model.ckpt-3"});
}

TEST(CheckpointStateWriteTest, FullDiskLeavesTheOldStateFileIntact) {
  MemoryFileSystem fs;
  CheckpointState old_state;
  old_state.model_checkpoint_path = "model.ckpt-1";
  old_state.all_model_checkpoint_paths = {"model.ckpt-1"};
  ASSERT_TRUE(write_checkpoint_state(fs, "/m", old_state).ok());
  std::string old_text = *fs.read_file("/m/checkpoint");

  CheckpointState new_state = old_state;
  for (int i = 2; i < 40; ++i) {
    new_state.all_model_checkpoint_paths.push_back("model.ckpt-" + std::to_string(i));
  }
  new_state.model_checkpoint_path = "model.ckpt-39";
  fs.set_capacity(old_text.size() + 64);
  Status full = write_checkpoint_state(fs, "/m", new_state);
  EXPECT_EQ(full.code(), StatusCode::kResourceExhausted) << full.to_string();
  EXPECT_EQ(*fs.read_file("/m/checkpoint"), old_text);
  auto listed = fs.list_directory("/m");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<std::string>{"checkpoint"}) << "no temporary file left behind";

  fs.set_capacity(1 << 20);
  ASSERT_TRUE(write_checkpoint_state(fs, "/m", new_state).ok());
  auto back = read_checkpoint_state(fs, "/m");
  ASSERT_TRUE(back.ok());
  expect_same_state(*back, new_state);
}

TEST(CheckpointStateReadTest, GarbageIsDataLossNamingTheFile) {
  MemoryFileSystem fs;
  for (std::string garbage :
       {std::string("this is { not a CheckpointState"), std::string("model_checkpoint_path: 12 13"),
        std::string("unknown_field: \"x\""), std::string("\x89HDF\r\n\x1a\n\0\0\xff", 11)}) {
    ASSERT_TRUE(fs.write_file_atomically("/m/checkpoint", garbage).ok());
    auto state = read_checkpoint_state(fs, "/m");
    ASSERT_FALSE(state.ok()) << garbage;
    EXPECT_EQ(state.status().code(), StatusCode::kDataLoss) << state.status().to_string();
    EXPECT_TRUE(contains(state.status().message(), "/m/checkpoint")) << state.status().message();
  }
}

TEST(CheckpointStateReadTest, MissingStateFileIsNotFound) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.create_directories("/empty").ok());
  auto state = read_checkpoint_state(fs, "/empty");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(contains(state.status().message(), "/empty/checkpoint")) << state.status().message();
}

}  // namespace
}  // namespace cairn
