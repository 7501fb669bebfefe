// `cairn-bench train` and `cairn-bench gemm`: the JSON they print carries the
// keys the benchmark driver reads, with positive values, and checkpoint runs
// save every epoch. No timing is asserted.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn::bench {
namespace {

using cairn::testing::bench_command;
using cairn::testing::run_command;
using cairn::testing::shell_quote;

constexpr const char* kFashionMnist =
    "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

nlohmann::json run_json(const std::string& args) {
  auto run = run_command(bench_command(args));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return nlohmann::json::parse(run.out);
}

void expect_speed_keys(const nlohmann::json& doc, const std::string& model, int batch) {
  EXPECT_EQ(doc["model"], model);
  EXPECT_EQ(doc["batch"], batch);
  EXPECT_GE(doc["threads"].get<int>(), 1);
  for (const char* key : {"steps_per_s", "samples_per_s", "gflops", "flops_per_step"}) {
    ASSERT_TRUE(doc.contains(key)) << key;
    EXPECT_GT(doc[key].get<double>(), 0.0) << key;
  }
  EXPECT_NEAR(doc["samples_per_s"].get<double>(), doc["steps_per_s"].get<double>() * batch,
              1e-6 * doc["samples_per_s"].get<double>());
}

TEST(BenchTrainTest, IrisThroughTheEstimator) {
  const auto doc = run_json("train --model iris --threads 1 --seconds 0.2 --json");
  expect_speed_keys(doc, "iris", 100);
  EXPECT_EQ(doc["threads"], 1);
  // 4-10-10-3, batch 100: forward 2*100*(40+100+30), kernel gradients as much,
  // input gradients of the two layers after the first.
  EXPECT_EQ(doc["flops_per_step"], 2 * 100 * (2 * 40 + 3 * 100 + 3 * 30));
  EXPECT_EQ(doc["code_path"], "estimator::DNNClassifier::train");
}

TEST(BenchTrainTest, MnistThroughFitAndTextOutput) {
  if (!default_file_system().file_exists(kFashionMnist)) GTEST_SKIP() << "no Fashion-MNIST";
  const auto doc = run_json("train --model mnist --threads 2 --seconds 0.2 --samples 640 --json");
  expect_speed_keys(doc, "mnist", 32);
  EXPECT_EQ(doc["code_path"], "keras::Sequential::fit");
  // Five windows of consecutive steps; the run's mean rate is a time-weighted
  // mean of theirs, so the best window is at least the mean.
  ASSERT_EQ(doc["window_gflops"].size(), 5u);
  double best = 0.0;
  for (const auto& w : doc["window_gflops"]) best = std::max(best, w.get<double>());
  EXPECT_EQ(doc["best_window_gflops"].get<double>(), best);
  EXPECT_GE(best, doc["gflops"].get<double>() * (1 - 1e-9));
  auto text = run_command(bench_command("train --model mnist --seconds 0.1 --samples 320"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("samples/s"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("best of 5 windows"), std::string::npos) << text.out;
}

TEST(BenchTrainTest, CnnThroughFitAndItsConvolutionsAlone) {
  if (!default_file_system().file_exists(kFashionMnist)) GTEST_SKIP() << "no Fashion-MNIST";
  const auto doc = run_json("train --model cnn --threads 1 --seconds 0.1 --samples 256 --json");
  expect_speed_keys(doc, "cnn", 64);
  EXPECT_EQ(doc["code_path"], "keras::Sequential::fit");
  // Conv 26x26 positions x 3x3x1 x 32 (the first layer: no input gradient),
  // conv 11x11 x 3x3x32 x 64, Dense 1600x128 and 128x10, batch 64.
  const double conv1 = 26.0 * 26 * 9 * 32, conv2 = 11.0 * 11 * 288 * 64;
  EXPECT_EQ(doc["flops_per_step"].get<double>(),
            2 * 64 * (2 * conv1 + 3 * conv2 + 3 * 1600 * 128 + 3 * 128 * 10));
  EXPECT_EQ(doc["conv_flops_per_step"].get<double>(), 2 * 64 * (2 * conv1 + 3 * conv2));
  EXPECT_EQ(doc["conv_code_path"], "keras::Conv2D forward_kept + backprop");
  EXPECT_GT(doc["conv_gflops"].get<double>(), 0.0);
  EXPECT_GE(doc["conv_best_window_gflops"].get<double>(),
            doc["conv_gflops"].get<double>() * (1 - 1e-9));
  auto text = run_command(bench_command("train --model cnn --seconds 0.1 --samples 128"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("convolutions alone"), std::string::npos) << text.out;
}

TEST(BenchTrainTest, LstmClassifierThroughFit) {
  const auto doc = run_json("train --model lstm --threads 2 --seconds 0.1 --samples 128 --json");
  expect_speed_keys(doc, "lstm", 64);
  EXPECT_EQ(doc["code_path"], "keras::Sequential::fit");
  // The embedding multiplies nothing; the LSTM does 200 steps of (64 + 128) x
  // 4*128 and gets its input gradient (for the embedding), as Dense 128x1 does.
  EXPECT_EQ(doc["flops_per_step"].get<double>(), 2 * 64 * (3 * 200.0 * 192 * 512 + 3 * 128));
  EXPECT_FALSE(doc.contains("conv_gflops"));
}

TEST(BenchTrainTest, CheckpointRunSavesEveryEpoch) {
  if (!default_file_system().file_exists(kFashionMnist)) GTEST_SKIP() << "no Fashion-MNIST";
  for (const char* mode : {"none", "sync"}) {
    SCOPED_TRACE(mode);
    cairn::testing::TempDir dir;
    const auto doc = run_json("train --model mnist --epochs 2 --samples 320 --checkpoint " +
                              std::string(mode) + " --dir " + shell_quote(dir.path()) + " --json");
    ASSERT_EQ(doc["epoch_seconds"].size(), 2u);
    const size_t saves = std::string(mode) == "none" ? 0 : 2;
    EXPECT_EQ(doc["save_blocking_seconds"].size(), saves);
    EXPECT_EQ(doc["save_total_seconds"].size(), saves);
    for (const auto& s : doc["epoch_seconds"]) EXPECT_GT(s.get<double>(), 0.0);
    const bool saved = default_file_system().file_exists(dir.path() + "/cp-0002.ckpt.index");
    EXPECT_EQ(saved, saves > 0);
  }
}

TEST(BenchTrainTest, BadArguments) {
  auto bad_model = run_command(bench_command("train --model resnet"));
  EXPECT_EQ(bad_model.exit_code, 1);
  EXPECT_NE(bad_model.err.find("--model must be iris, mnist, mlp, cnn or lstm"), std::string::npos)
      << bad_model.err;
  auto cnn_epochs = run_command(bench_command("train --model cnn --epochs 1"));
  EXPECT_EQ(cnn_epochs.exit_code, 1);
  EXPECT_NE(cnn_epochs.err.find("--model mnist only"), std::string::npos) << cnn_epochs.err;
  auto no_epochs = run_command(bench_command("train --model mnist --checkpoint sync"));
  EXPECT_EQ(no_epochs.exit_code, 1);
  EXPECT_NE(no_epochs.err.find("--epochs"), std::string::npos) << no_epochs.err;
}

TEST(BenchGemmTest, JsonReportsAPositiveRate) {
  const auto doc = run_json("gemm --threads 1 --n 96 --runs 2 --json");
  EXPECT_GT(doc["gflops"].get<double>(), 0.0);
  EXPECT_EQ(doc["n"], 96);
  EXPECT_EQ(doc["threads"], 1);
  EXPECT_EQ(doc["seconds"].size(), 2u);
  auto text = run_command(bench_command("gemm --n 32 --runs 1"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("GFLOP/s"), std::string::npos) << text.out;
  EXPECT_EQ(run_command(bench_command("gemm --n 0")).exit_code, 1);
}

}  // namespace
}  // namespace cairn::bench
