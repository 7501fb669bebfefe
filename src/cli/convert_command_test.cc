// `cairn convert` and `cairn inspect` on weights files, run as a user runs
// them: output written and listed, an existing OUT refused without --force,
// an unknown extension or --format, a missing input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using testing::run_command;
using testing::shell_quote;

class ConvertCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = dir_.path() + "/model.ckpt-3";
    save_variables(prefix_, {{"dense/kernel", Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2})},
                             {"global_step", Tensor::scalar<int64_t>(3)}});
  }

  testing::CommandResult cairn(const std::string& args) {
    return run_command(shell_quote(testing::cli_path()) + " " + args);
  }
  std::string at(const std::string& name) { return shell_quote(dir_.path() + "/" + name); }

  testing::TempDir dir_;
  std::string prefix_;
};

TEST_F(ConvertCommandTest, WritesSafetensorsThatInspectLists) {
  auto r = cairn("convert " + shell_quote(prefix_) + " " + at("w.safetensors"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote " + dir_.path() + "/w.safetensors\n");
  auto listed = cairn("inspect " + at("w.safetensors"));
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, "dense/kernel\tfloat32\t[2, 2]\nglobal_step\tint64\t[]\n");
  auto values = cairn("inspect " + at("w.safetensors") + " --tensor dense/kernel");
  EXPECT_EQ(values.out, "dense/kernel\tfloat32\t[2, 2]\n  [[1, 2], [3, 4]]\n");
  auto json = cairn("inspect " + at("w.safetensors") + " --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["tensors"][1]["values"], nlohmann::json({3}));
}

TEST_F(ConvertCommandTest, ModelDirectoryInAndCheckpointOutListTheSame) {
  ASSERT_EQ(cairn("convert " + shell_quote(dir_.path()) + " " + at("w.safetensors")).exit_code, 0);
  auto r = cairn("convert " + at("w.safetensors") + " " + at("back/model.ckpt-3"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(cairn("inspect --all " + at("back/model.ckpt-3")).out,
            cairn("inspect --all " + shell_quote(prefix_)).out);
}

TEST_F(ConvertCommandTest, RefusesAnExistingOutputUnlessForced) {
  ASSERT_TRUE(
      default_file_system().write_file_atomically(dir_.path() + "/w.safetensors", "x").ok());
  auto r = cairn("convert " + shell_quote(prefix_) + " " + at("w.safetensors"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ALREADY_EXISTS"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(*default_file_system().read_file(dir_.path() + "/w.safetensors"), "x");
  auto forced = cairn("convert --force " + shell_quote(prefix_) + " " + at("w.safetensors"));
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(cairn("inspect " + at("w.safetensors")).exit_code, 0);
}

TEST_F(ConvertCommandTest, UnknownExtensionOrFormatIsNamed) {
  auto r = cairn("convert " + shell_quote(prefix_) + " " + at("w.pt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("INVALID_ARGUMENT"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("w.pt"), std::string::npos) << r.err;
  auto f = cairn("convert --format onnx " + shell_quote(prefix_) + " " + at("w.pt"));
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_NE(f.err.find("'onnx'"), std::string::npos) << f.err;
  auto named = cairn("convert --format safetensors " + shell_quote(prefix_) + " " + at("w.pt"));
  EXPECT_EQ(named.exit_code, 0) << named.err;
}

TEST_F(ConvertCommandTest, MissingInputIsNotFoundNamingIt) {
  auto r = cairn("convert " + at("nope.safetensors") + " " + at("w.h5"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("NOT_FOUND"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nope.safetensors"), std::string::npos) << r.err;
  auto ckpt = cairn("convert " + at("model.ckpt-99") + " " + at("w.safetensors"));
  EXPECT_EQ(ckpt.exit_code, 1);
  EXPECT_NE(ckpt.err.find("model.ckpt-99"), std::string::npos) << ckpt.err;
  EXPECT_EQ(cairn("convert " + shell_quote(prefix_)).exit_code, 106) << "OUT is required";
}

TEST_F(ConvertCommandTest, InspectReadsAKerasH5AndNamesACorruptSafetensors) {
  auto fixtures = testing::fixtures_dir();
  if (fixtures) {
    auto h5 = cairn("inspect " + shell_quote(*fixtures + "/keras-iris-martinrep/iris_model.h5"));
    ASSERT_EQ(h5.exit_code, 0) << h5.err;
    EXPECT_NE(h5.out.find("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE\tfloat32\t[4, "),
              std::string::npos)
        << h5.out;
  }
  ASSERT_TRUE(
      default_file_system().write_file_atomically(dir_.path() + "/bad.safetensors", "short").ok());
  auto bad = cairn("inspect " + at("bad.safetensors"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("DATA_LOSS"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("bad.safetensors"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace cairn
