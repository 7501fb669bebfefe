// `cairn ls` as a user runs it: on a trained Estimator model directory, on
// damage and orphans, as JSON, and on TensorFlow-written directories.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cairn/checkpoint/save_variables.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;
namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The steps of the .index files in `dir`, largest first, read from the directory.
std::vector<int64_t> steps_on_disk(const std::string& dir) {
  std::vector<int64_t> steps;
  for (const auto& f : fs::directory_iterator(dir)) {
    const std::string name = f.path().filename().string();
    if (name.starts_with("model.ckpt-") && name.ends_with(".index")) {
      steps.push_back(std::stoll(name.substr(11, name.size() - 11 - 6)));
    }
  }
  std::sort(steps.rbegin(), steps.rend());
  return steps;
}

json ls_json(const std::string& dir) {
  auto run = run_command(cairn_command("ls --json " + shell_quote(dir)));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return json::parse(run.out);
}

TEST(LsCommandTest, TrainedEstimatorDirectoryNewestFirstWithSizesOfItsFiles) {
  testing::TempDir tmp;
  const std::string dir = tmp.path() + "/iris";
  auto train =
      run_command(cairn_command("train --model-dir " + shell_quote(dir) + " --train " +
                                shell_quote(testing::project_data_dir() + "/iris_training.csv") +
                                " --steps 30 --save-checkpoints-steps 10 --seed 3"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::vector<int64_t> steps = steps_on_disk(dir);
  ASSERT_GE(steps.size(), 3u);
  ASSERT_EQ(steps.front(), 30);

  json doc = ls_json(dir);
  ASSERT_EQ(doc["checkpoints"].size(), steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const json& c = doc["checkpoints"][i];
    const std::string prefix = dir + "/model.ckpt-" + std::to_string(steps[i]);
    EXPECT_EQ(c["prefix"], prefix);
    EXPECT_EQ(c["step"], steps[i]);
    EXPECT_EQ(c["newest"], i == 0);
    EXPECT_EQ(c["status"], "ok");
    EXPECT_EQ(c["shards"], 1);
    EXPECT_EQ(c["bytes"].get<uint64_t>(),
              testing::checkpoint_bytes_on_disk(prefix));  // .index, .data, .meta
    EXPECT_TRUE(c["written"].is_string());
  }

  auto text = run_command(cairn_command("ls " + shell_quote(dir)));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::vector<std::string> lines = lines_of(text.out);
  ASSERT_EQ(lines.size(), steps.size() + 2);  // header, one per checkpoint, legend
  EXPECT_EQ(lines[0].find("   step  written"), 0u) << text.out;
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string& line = lines[i + 1];
    EXPECT_EQ(line[0], i == 0 ? '*' : ' ') << line;
    EXPECT_NE(line.find(" " + std::to_string(steps[i]) + "  "), std::string::npos) << line;
    EXPECT_NE(line.find(doc["checkpoints"][i]["written"].get<std::string>()), std::string::npos);
    EXPECT_NE(line.find("  ok  "), std::string::npos) << line;
    EXPECT_TRUE(line.ends_with("model.ckpt-" + std::to_string(steps[i]))) << line;
  }
  EXPECT_EQ(lines.back(), "* the newest checkpoint named by " + dir + "/checkpoint");
}

class LsDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() + "/m";
    for (int step : {1, 2, 3}) {
      save_variables(prefix(step), {{"w", Tensor::from_vector<float>({1, 2, 3, 4}, {4})},
                                    {"global_step", Tensor::scalar<int64_t>(step)}});
    }
  }
  std::string prefix(int step) const { return dir_ + "/model.ckpt-" + std::to_string(step); }
  // The text line of `step`'s checkpoint.
  std::string line_of(const std::string& out, int step) {
    for (const std::string& line : lines_of(out)) {
      if (line.ends_with("model.ckpt-" + std::to_string(step)) ||
          line.find("model.ckpt-" + std::to_string(step) + ": ") != std::string::npos) {
        return line;
      }
    }
    return "";
  }
  testing::TempDir tmp_;
  std::string dir_;
};

TEST_F(LsDamageTest, FlippedDataByteShowsDamagedNamingTheTensor) {
  {
    std::fstream f(prefix(2) + ".data-00000-of-00001",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(16);  // "global_step" is written after "w": its 8 bytes start at 16
    f.put('\x7f');
  }
  auto run = run_command(cairn_command("ls " + shell_quote(dir_)));
  EXPECT_EQ(run.exit_code, 0) << run.err;  // a listing, not a check: verify fails on it
  const std::string line = line_of(run.out, 2);
  EXPECT_NE(line.find("  DAMAGED  model.ckpt-2: "), std::string::npos) << run.out;
  EXPECT_NE(line.find("'global_step'"), std::string::npos) << line;
  EXPECT_NE(line_of(run.out, 3).find("  ok  "), std::string::npos) << run.out;

  json doc = ls_json(dir_);
  EXPECT_EQ(doc["checkpoints"][1]["status"], "DAMAGED");
  EXPECT_NE(doc["checkpoints"][1]["problem"].get<std::string>().find("'global_step'"),
            std::string::npos);
}

TEST_F(LsDamageTest, HalfDeletedBundleShowsOrphan) {
  fs::remove(prefix(2) + ".index");  // retention killed after removing the .index
  auto run = run_command(cairn_command("ls " + shell_quote(dir_)));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string line = line_of(run.out, 2);
  EXPECT_NE(line.find(" 2  -  "), std::string::npos) << line;  // no .index: no time
  EXPECT_NE(line.find("  orphan  model.ckpt-2: incomplete"), std::string::npos) << run.out;
  json doc = ls_json(dir_);
  EXPECT_EQ(doc["checkpoints"][1]["status"], "orphan");
  EXPECT_TRUE(doc["checkpoints"][1]["written"].is_null());
}

TEST(LsCommandErrorTest, MissingOrEmptyDirectoryIsAnErrorNamingIt) {
  testing::TempDir tmp;
  auto missing = run_command(cairn_command("ls " + shell_quote(tmp.path() + "/nowhere")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cairn ls: NOT_FOUND: no such directory: " + tmp.path() + "/nowhere"),
            std::string::npos)
      << missing.err;
  auto empty = run_command(cairn_command("ls " + shell_quote(tmp.path())));
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("no checkpoint in directory " + tmp.path()), std::string::npos);
  EXPECT_TRUE(empty.out.empty());
}

TEST(LsCommandFixtureTest, TensorFlowEstimatorDirectory) {
  std::optional<std::string> fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/hishmad-iris-estimator/iris_model";
  auto run = run_command(cairn_command("ls " + shell_quote(dir)));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = lines_of(run.out);
  ASSERT_EQ(lines.size(), 7u) << run.out;
  EXPECT_EQ(lines[1].rfind("*  8000  ", 0), 0u) << run.out;
  EXPECT_NE(lines[1].find("  4.7 KiB  "), std::string::npos) << lines[1];    // 4116 + 721, no .meta
  EXPECT_NE(lines[2].find("  128.1 KiB  "), std::string::npos) << lines[2];  // with its .meta
  EXPECT_NE(lines[5].find("   4000  "), std::string::npos) << lines[5];
  for (size_t i = 1; i <= 5; ++i) EXPECT_NE(lines[i].find("  ok  "), std::string::npos);
  json doc = ls_json(dir);
  EXPECT_EQ(doc["checkpoints"][1]["bytes"], 4116 + 721 + 126348);
}

TEST(LsCommandFixtureTest, TensorFlowGuideCheckpointsAndTheirParentDirectory) {
  std::optional<std::string> fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  const std::string james = *fixtures + "/tf-guide-checkpoints-james";
  json managed = ls_json(james + "/tf_ckpts");
  ASSERT_EQ(managed["checkpoints"].size(), 3u);
  EXPECT_EQ(managed["checkpoints"][0]["step"], 40);
  EXPECT_EQ(managed["checkpoints"][0]["newest"], true);
  EXPECT_EQ(managed["checkpoints"][0]["bytes"], 1808 + 936);
  json easy = ls_json(james + "/tmp");
  EXPECT_TRUE(easy["checkpoints"][0]["step"].is_null());
  auto parent = run_command(cairn_command("ls " + shell_quote(james)));
  EXPECT_EQ(parent.exit_code, 1);
  EXPECT_NE(
      parent.err.find("these subdirectories hold some: " + james + "/tf_ckpts, " + james + "/tmp"),
      std::string::npos)
      << parent.err;
}

}  // namespace
}  // namespace cairn
