// `cairn train`, `verify`, `ls` and `export` with stderr captured (no terminal):
// the last line of stderr gives the totals, stdout is what it was without
// progress, and --no-progress shows none.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "cairn/core/progress_format.h"
#include "cairn/core/strings.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "testing/test_util.h"

namespace cairn::cli {
namespace {

using cairn::testing::cairn_command;
using cairn::testing::CommandResult;
using cairn::testing::run_command;
using cairn::testing::shell_quote;

std::string last_line(const std::string& text) {
  const size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const size_t begin = text.rfind('\n', end);
  return text.substr(begin == std::string::npos ? 0 : begin + 1, end - begin);
}

// "12.6 MB of 12.6 MB; 12,603,221 bytes" style totals of `bytes`.
std::string byte_totals(uint64_t bytes) {
  const std::string amount = format_amount(static_cast<int64_t>(bytes), ProgressUnit::kBytes);
  return amount + " of " + amount + "; " + group_thousands(std::to_string(bytes)) + " bytes";
}

// Bytes of the files under `path`, a file or a directory; with
// `bundles_only`, only checkpoints' .index and data files.
uint64_t bytes_under(const std::string& path, bool bundles_only = false) {
  if (!std::filesystem::is_directory(path)) return std::filesystem::file_size(path);
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (!entry.is_regular_file()) continue;
    const auto file = parse_bundle_file_name(entry.path().filename().string());
    if (!bundles_only || (file && file->kind != BundleFileKind::kMeta)) total += entry.file_size();
  }
  return total;
}

class ProgressOutputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new cairn::testing::TempDir;
    trained_ = run(train_args(model_dir()));
  }
  static void TearDownTestSuite() { delete tmp_; }
  static std::string model_dir() { return tmp_->path() + "/iris"; }
  static std::string train_args(const std::string& dir) {
    return "train --model-dir " + shell_quote(dir) + " --train " +
           shell_quote(cairn::testing::project_data_dir() + "/iris_training.csv") +
           " --steps 30 --seed 3";
  }
  static CommandResult run(const std::string& args) { return run_command(cairn_command(args)); }

  static cairn::testing::TempDir* tmp_;
  static CommandResult trained_;
};

cairn::testing::TempDir* ProgressOutputTest::tmp_ = nullptr;
CommandResult ProgressOutputTest::trained_;

TEST_F(ProgressOutputTest, TrainEndsWithTheStepsItTrained) {
  ASSERT_EQ(trained_.exit_code, 0) << trained_.err;
  EXPECT_EQ(trained_.out, "trained to " + model_dir() + "/model.ckpt-30\n");
  EXPECT_TRUE(
      std::regex_match(last_line(trained_.err),
                       std::regex(R"(train: 100% \(30 of 30 steps\) in \d+s, [\d.]+ steps/s)")))
      << trained_.err;
  EXPECT_EQ(trained_.err.find('\r'), std::string::npos) << "no redraws without a terminal";
  EXPECT_NE(trained_.err.find("INFO:cairn:Saving checkpoints for 30"), std::string::npos);

  const std::string quiet_dir = tmp_->path() + "/quiet";
  CommandResult quiet = run(train_args(quiet_dir) + " --no-progress");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, "trained to " + quiet_dir + "/model.ckpt-30\n");
  EXPECT_EQ(quiet.err.find("train:"), std::string::npos) << quiet.err;
}

TEST_F(ProgressOutputTest, VerifyEndsWithEveryByteOfTheDirectorysCheckpoints) {
  ASSERT_EQ(trained_.exit_code, 0) << trained_.err;
  CommandResult verified = run("verify " + shell_quote(model_dir()));
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  const uint64_t bytes = bytes_under(model_dir(), /*bundles_only=*/true);
  EXPECT_EQ(last_line(verified.err).rfind("verify: 100% (" + byte_totals(bytes) + ") in ", 0), 0u)
      << verified.err;
  CommandResult quiet = run("verify --no-progress " + shell_quote(model_dir()));
  EXPECT_EQ(quiet.out, verified.out);
  EXPECT_EQ(quiet.err, "");
}

TEST_F(ProgressOutputTest, LsEndsWithEveryByteItChecked) {
  ASSERT_EQ(trained_.exit_code, 0) << trained_.err;
  CommandResult listed = run("ls " + shell_quote(model_dir()));
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const uint64_t bytes = bytes_under(model_dir(), /*bundles_only=*/true);
  EXPECT_EQ(last_line(listed.err).rfind("ls: 100% (" + byte_totals(bytes) + ") in ", 0), 0u)
      << listed.err;
  CommandResult quiet = run("ls --no-progress " + shell_quote(model_dir()));
  EXPECT_EQ(quiet.out, listed.out);
  EXPECT_EQ(quiet.err, "");
}

TEST_F(ProgressOutputTest, ExportEndsWithTheBytesItWrote) {
  ASSERT_EQ(trained_.exit_code, 0) << trained_.err;
  for (const std::string format : {"onnx", "tfjs", "saved_model"}) {
    const std::string out = tmp_->path() + "/export." + format;
    const std::string args =
        "export " + shell_quote(model_dir()) + " --format " + format + " --out " + shell_quote(out);
    CommandResult exported = run(args);
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    const uint64_t bytes = bytes_under(out);
    const std::string totals = format_amount(static_cast<int64_t>(bytes), ProgressUnit::kBytes) +
                               " (" + group_thousands(std::to_string(bytes)) + " bytes)";
    EXPECT_EQ(last_line(exported.err).rfind("export: " + totals + " in ", 0), 0u)
        << format << ": " << exported.err;
    CommandResult quiet = run(args + " --no-progress");
    EXPECT_EQ(quiet.out, exported.out) << format;
    EXPECT_EQ(quiet.err.find("export:"), std::string::npos) << format << ": " << quiet.err;
  }
}

}  // namespace
}  // namespace cairn::cli
