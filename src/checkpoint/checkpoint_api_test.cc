// The user-facing checkpoint API end to end on a real directory:
// save_variables, load_checkpoint, list_variables, load_variable,
// latest_checkpoint and resolve_checkpoint, and the typed exceptions a user
// catches (NotFoundError, DataLossError, UnimplementedError, ...).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

namespace stdfs = std::filesystem;

using testing::contains;

// Runs `fn`, expecting it to throw E; returns what() ("" if nothing thrown).
template <typename E, typename Fn>
std::string what_of(Fn fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw the wrong exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "threw nothing";
  return "";
}

NamedTensors demo_variables(int64_t step) {
  Tensor kernel(DType::kFloat32, {2, 3});
  for (int i = 0; i < 6; ++i) kernel.flat<float>()[static_cast<size_t>(i)] = 0.5f * i + step;
  return {{"dense/kernel", kernel},
          {"dense/bias", Tensor::from_vector<double>({0.1, -0.2, 0.3}, {3})},
          {"global_step", Tensor::scalar<int64_t>(step)},
          {"vocab", Tensor::from_strings({"setosa", "", "virginica"}, {3})}};
}

class CheckpointApiTest : public ::testing::Test {
 protected:
  std::string dir() const { return temp_.path(); }
  std::string prefix(int step) const { return dir() + "/model.ckpt-" + std::to_string(step); }
  testing::TempDir temp_;
};

TEST_F(CheckpointApiTest, SavedVariablesLoadBackByDirectoryPrefixAndName) {
  NamedTensors saved = demo_variables(7);
  EXPECT_EQ(save_variables(prefix(7), saved), prefix(7));
  EXPECT_TRUE(stdfs::exists(prefix(7) + ".index"));
  EXPECT_TRUE(stdfs::exists(prefix(7) + ".data-00000-of-00001"));
  EXPECT_TRUE(stdfs::exists(dir() + "/checkpoint"));

  CheckpointReader reader = load_checkpoint(dir());
  EXPECT_EQ(reader.prefix(), prefix(7));
  std::vector<VariableInfo> listed = list_variables(dir());
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0].name, "dense/bias");
  EXPECT_EQ(listed[1].name, "dense/kernel");
  EXPECT_EQ(listed[1].dtype, DType::kFloat32);
  EXPECT_EQ(listed[1].shape, TensorShape({2, 3}));
  EXPECT_EQ(listed[2].name, "global_step");
  EXPECT_EQ(listed[3].name, "vocab");
  EXPECT_EQ(listed[3].dtype, DType::kString);
  for (const auto& [name, tensor] : saved) {
    EXPECT_TRUE(load_variable(prefix(7), name) == tensor) << name;
    EXPECT_TRUE(reader.get_tensor(name) == tensor) << name;
    EXPECT_TRUE(reader.has_tensor(name));
  }
  EXPECT_FALSE(reader.has_tensor("dense"));
}

TEST_F(CheckpointApiTest, ReadIntoFillsTheModelsTensorsAndThrowsOnAnotherShape) {
  NamedTensors saved = demo_variables(7);
  save_variables(prefix(7), saved);
  CheckpointReader reader = load_checkpoint(dir());
  for (const auto& [name, tensor] : saved) {  // strings and int64 included
    Tensor into(tensor.dtype(), tensor.shape());
    reader.read_into(name, into);
    EXPECT_TRUE(into == tensor) << name;
  }
  Tensor wrong(DType::kFloat32, {3, 2});
  try {
    reader.read_into("dense/kernel", wrong);
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[3, 2]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(reader.read_into("no/such", wrong), NotFoundError);
}

TEST_F(CheckpointApiTest, LatestCheckpointFollowsTheStateFile) {
  EXPECT_EQ(latest_checkpoint(dir()), std::nullopt) << "nothing saved yet";
  save_variables(prefix(1), demo_variables(1));
  save_variables(prefix(2), demo_variables(2));
  EXPECT_EQ(latest_checkpoint(dir()), prefix(2));
  CheckpointState state = get_checkpoint_state(dir());
  EXPECT_EQ(state.all_model_checkpoint_paths, (std::vector<std::string>{prefix(1), prefix(2)}));
  EXPECT_EQ(state.all_model_checkpoint_timestamps.size(), 2u);

  // The state file, not file times or names, decides which is newest.
  CheckpointState older;
  older.model_checkpoint_path = "model.ckpt-1";
  older.all_model_checkpoint_paths = {"model.ckpt-2", "model.ckpt-1"};
  ASSERT_TRUE(write_checkpoint_state(default_file_system(), dir(), older).ok());
  EXPECT_EQ(latest_checkpoint(dir()), prefix(1));
  EXPECT_TRUE(load_variable(dir(), "global_step") == Tensor::scalar<int64_t>(1));

  save_variables(prefix(2), demo_variables(2));  // re-saving moves it to the end
  state = get_checkpoint_state(dir());
  EXPECT_EQ(state.model_checkpoint_path, prefix(2));
  EXPECT_EQ(state.all_model_checkpoint_paths, (std::vector<std::string>{prefix(1), prefix(2)}));
}

TEST_F(CheckpointApiTest, LatestCheckpointIsNulloptWhenTheNamedCheckpointIsGone) {
  save_variables(prefix(5), demo_variables(5));
  stdfs::remove(prefix(5) + ".index");
  EXPECT_EQ(latest_checkpoint(dir()), std::nullopt);
  std::string what = what_of<NotFoundError>([&] { load_checkpoint(dir()); });
  EXPECT_TRUE(contains(what, dir())) << what;
}

TEST_F(CheckpointApiTest, UnreadableStateFileThrowsDataLossError) {
  std::ofstream(dir() + "/checkpoint") << "model_checkpoint_path: {{ garbage";
  std::string what = what_of<DataLossError>([&] { (void)latest_checkpoint(dir()); });
  EXPECT_TRUE(contains(what, dir() + "/checkpoint")) << what;
}

TEST_F(CheckpointApiTest, CopiedTf1ModelDirectoryResolvesItsAbsolutePathsLocally) {
  auto fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  std::string copy = dir() + "/iris_model";
  stdfs::create_directories(copy);
  for (const auto& file :
       stdfs::directory_iterator(*fixtures + "/hishmad-iris-estimator/iris_model")) {
    std::string name = file.path().filename();
    if (name == "checkpoint" || name.rfind("model.ckpt-", 0) == 0) {
      stdfs::copy_file(file.path(), copy + "/" + name);
    }
  }
  EXPECT_EQ(latest_checkpoint(copy), copy + "/model.ckpt-8000");
  CheckpointState state = get_checkpoint_state(copy);
  EXPECT_EQ(state.model_checkpoint_path, copy + "/model.ckpt-8000");
  std::vector<std::string> want;
  for (int step : {4000, 4001, 6000, 6001, 8000}) {
    want.push_back(copy + "/model.ckpt-" + std::to_string(step));
  }
  EXPECT_EQ(state.all_model_checkpoint_paths, want);
  EXPECT_EQ(list_variables(copy).size(), 18u);
  EXPECT_TRUE(load_variable(copy, "global_step") == Tensor::scalar<int64_t>(8000));
  EXPECT_TRUE(load_variable(copy + "/model.ckpt-4001", "global_step") ==
              Tensor::scalar<int64_t>(4001));

  // Saving on in the copied directory appends to TensorFlow's list.
  save_variables(copy + "/model.ckpt-9000", demo_variables(9000));
  EXPECT_EQ(latest_checkpoint(copy), copy + "/model.ckpt-9000");
  want.push_back(copy + "/model.ckpt-9000");
  EXPECT_EQ(get_checkpoint_state(copy).all_model_checkpoint_paths, want);
  EXPECT_TRUE(load_variable(copy, "global_step") == Tensor::scalar<int64_t>(9000));
}

TEST_F(CheckpointApiTest, ResolveCheckpointAcceptsDirectoryPrefixAndItsFileNames) {
  save_variables(prefix(3), demo_variables(3));
  for (const std::string& path : {dir(), prefix(3), prefix(3) + ".index",
                                  prefix(3) + ".data-00000-of-00001", prefix(3) + ".meta"}) {
    EXPECT_EQ(resolve_checkpoint(path), prefix(3)) << path;
    EXPECT_EQ(load_checkpoint(path).prefix(), prefix(3)) << path;
  }
}

TEST_F(CheckpointApiTest, MissingCheckpointOrTensorThrowsNotFoundErrorNamingIt) {
  save_variables(prefix(1), demo_variables(1));
  std::string what = what_of<NotFoundError>([&] { load_checkpoint(dir() + "/model.ckpt-404"); });
  EXPECT_TRUE(contains(what, "model.ckpt-404")) << what;
  what = what_of<NotFoundError>([&] { load_variable(dir(), "dense/absent_kernel"); });
  EXPECT_TRUE(contains(what, "dense/absent_kernel")) << what;
  CheckpointReader reader = load_checkpoint(dir());
  what = what_of<NotFoundError>([&] { reader.get_tensor("global_stop"); });
  EXPECT_TRUE(contains(what, "global_stop")) << what;
  what = what_of<NotFoundError>([&] { load_checkpoint(dir() + "/no_such_dir/"); });
  EXPECT_TRUE(contains(what, "no_such_dir")) << what;
}

TEST_F(CheckpointApiTest, CorruptedShardThrowsDataLossErrorNamingFileAndTensor) {
  save_variables(prefix(1), demo_variables(1));
  std::string data = prefix(1) + ".data-00000-of-00001";
  CheckpointReader reader = load_checkpoint(prefix(1));
  const BundleEntry* kernel = reader.bundle().find("dense/kernel");
  ASSERT_NE(kernel, nullptr);
  {
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(kernel->offset + 5));
    f.put('\x7f');
  }
  std::string what = what_of<DataLossError>([&] { load_variable(prefix(1), "dense/kernel"); });
  EXPECT_TRUE(contains(what, "dense/kernel")) << what;
  EXPECT_TRUE(contains(what, data)) << what;
  EXPECT_TRUE(load_variable(prefix(1), "global_step") == Tensor::scalar<int64_t>(1))
      << "other tensors stay readable";
}

TEST_F(CheckpointApiTest, TensorFlowV1CheckpointThrowsUnimplementedError) {
  std::ofstream(dir() + "/model.ckpt-v1", std::ios::binary) << std::string(200, '\x01');
  std::string what =
      what_of<UnimplementedError>([&] { load_checkpoint(dir() + "/model.ckpt-v1"); });
  EXPECT_TRUE(contains(what, "V1")) << what;
  std::ofstream(dir() + "/sharded-00000-of-00001", std::ios::binary) << "v1 table bytes";
  what = what_of<UnimplementedError>([&] { list_variables(dir() + "/sharded"); });
  EXPECT_TRUE(contains(what, "V1")) << what;
}

TEST_F(CheckpointApiTest, RefusedSaveKeepsThePreviousCheckpointLatestAndLeavesNoFiles) {
  save_variables(prefix(1), demo_variables(1));
  auto before = std::vector<stdfs::path>(stdfs::directory_iterator(dir()), {});
  NamedTensors duplicate = demo_variables(2);
  duplicate.push_back({"global_step", Tensor::scalar<int64_t>(3)});
  (void)what_of<InvalidArgumentError>([&] { save_variables(prefix(2), duplicate); });
  NamedTensors empty_name = {{"", Tensor::scalar<float>(1)}};
  (void)what_of<InvalidArgumentError>([&] { save_variables(prefix(2), empty_name); });
  auto after = std::vector<stdfs::path>(stdfs::directory_iterator(dir()), {});
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, before);
  EXPECT_EQ(latest_checkpoint(dir()), prefix(1));
}

// Bytes held by every file in `fs` under `dir`.
uint64_t used_bytes(MemoryFileSystem& fs, const std::string& dir) {
  uint64_t total = 0;
  auto names = fs.list_directory(dir);
  for (const std::string& name : *names) total += *fs.file_size(dir + "/" + name);
  return total;
}

TEST(CheckpointApiDiskFullTest, FullDiskThrowsResourceExhaustedAndKeepsTheLastCheckpoint) {
  MemoryFileSystem fs;
  save_variables("/m/model.ckpt-1", demo_variables(1), {}, fs);
  std::string state_before = *fs.read_file("/m/checkpoint");
  fs.set_capacity(used_bytes(fs, "/m") + 16);
  (void)what_of<ResourceExhaustedError>(
      [&] { save_variables("/m/model.ckpt-2", demo_variables(2), {}, fs); });
  EXPECT_EQ(*fs.read_file("/m/checkpoint"), state_before);
  EXPECT_EQ(latest_checkpoint("/m", fs), "/m/model.ckpt-1");
  CheckpointReader reader("/m", fs);
  EXPECT_TRUE(reader.get_tensor("global_step") == Tensor::scalar<int64_t>(1));
}

// Keras-style saving overwrites one prefix ("weights") every epoch. When the
// disk fills up while the new index is written, the previous save must stay
// readable, as save_variables() promises.
TEST(CheckpointApiDiskFullTest, FullDiskWhileOverwritingAPrefixKeepsThePreviousSaveReadable) {
  MemoryFileSystem fs;
  save_variables("/m/weights", {{"w", Tensor::scalar<float>(1.0f)}}, {}, fs);
  NamedTensors next;
  for (int i = 0; i < 200; ++i) {
    next.push_back({"a/rather/long/variable/name/" + std::to_string(i), Tensor::scalar<float>(2)});
  }
  // Room for the new data shard (800 bytes) but not for its larger index.
  fs.set_capacity(used_bytes(fs, "/m") + 200 * 4 + 64);
  (void)what_of<ResourceExhaustedError>([&] { save_variables("/m/weights", next, {}, fs); });
  CheckpointReader reader("/m/weights", fs);
  EXPECT_EQ(reader.list_variables().size(), 1u);
  try {
    EXPECT_TRUE(reader.get_tensor("w") == Tensor::scalar<float>(1.0f));
  } catch (const Error& e) {
    ADD_FAILURE() << "the previous save was damaged: " << e.code_name() << ": " << e.what();
  }
}

}  // namespace
}  // namespace cairn
