// An Estimator whose model directory lives in a MemoryFileSystem
// (RunConfig::file_system): train, evaluate, predict, rebuild from the
// directory, warm start and export all run in memory, with every file
// TensorFlow's layout holds, and nothing reaches the disk.
#include <gtest/gtest.h>

#include <filesystem>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/io/memory_file_system.h"
#include "estimator/estimator_test_util.h"
#include "testing/fault_sweep.h"

namespace cairn::estimator {
namespace {

// A path that exists in memory only (checked absent from the disk).
constexpr const char* kRoot = "/cairn_memory_fs_test_not_on_disk";

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The names of the files under `dir` in `fs`, relative to it.
std::vector<std::string> names_under(FileSystem& fs, const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& [path, bytes] : cairn::testing::files_under(fs, dir)) {
    names.push_back(path.substr(dir.size() + 1));
  }
  return names;
}

bool has_name_starting(const std::vector<std::string>& names, const std::string& prefix) {
  for (const std::string& name : names) {
    if (starts_with(name, prefix)) return true;
  }
  return false;
}

DNNClassifierOptions in_memory(MemoryFileSystem& memory, const std::string& dir) {
  DNNClassifierOptions o = testing::iris_options(dir);
  o.config.file_system = &memory;
  o.config.save_checkpoints_steps = 10;
  return o;
}

TEST(EstimatorMemoryFileSystemTest, TrainEvaluatePredictExportStayInMemory) {
  ASSERT_FALSE(std::filesystem::exists(kRoot));
  MemoryFileSystem memory;
  const std::string dir = std::string(kRoot) + "/iris";
  // The input too is read through the file system.
  const std::string csv = std::string(kRoot) + "/iris_training.csv";
  throw_if_error(memory.write_file_atomically(
      csv, value_or_throw(default_file_system().read_file(cairn::testing::project_data_dir() +
                                                          "/iris_training.csv"))));
  const CsvInput train_rows = read_csv_input(csv, 4, memory);

  DNNClassifier classifier(in_memory(memory, dir));
  auto train_fn = [&] { return make_dataset(train_rows, classifier.spec()).repeat().batch(30); };
  classifier.train(train_fn, {.steps = 20});
  EvalResult result = classifier.evaluate(testing::eval_input_fn(classifier.spec()));
  EXPECT_EQ(result.global_step, 20);
  EXPECT_EQ(classifier.predict(testing::eval_input_fn(classifier.spec())).size(), 30u);
  const std::string exported = classifier.export_saved_model(std::string(kRoot) + "/export");

  const std::vector<std::string> names = names_under(memory, dir);
  for (const char* name :
       {"checkpoint", "graph.pbtxt", ".cairn.lock", "model.ckpt-1.index",
        "model.ckpt-1.data-00000-of-00001", "model.ckpt-1.meta", "model.ckpt-20.index",
        "model.ckpt-20.data-00000-of-00001", "model.ckpt-20.meta"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end())
        << name << " missing from " << ::testing::PrintToString(names);
  }
  EXPECT_TRUE(has_name_starting(names, "events.out.tfevents."));
  EXPECT_TRUE(has_name_starting(names, "eval/events.out.tfevents."));
  EXPECT_TRUE(memory.file_exists(exported + "/saved_model.pb")) << exported;
  EXPECT_TRUE(verify_checkpoint(dir + "/model.ckpt-20", memory).ok);
  EXPECT_EQ(classifier.latest_checkpoint(), dir + "/model.ckpt-20");

  // Rebuilt from the directory alone, and resumed where it stopped.
  RunConfig config{.log = [](const std::string&) {}, .file_system = &memory};
  std::unique_ptr<Estimator> again = Estimator::from_model_dir(dir, config);
  again->train(train_fn, {.steps = 5});
  EXPECT_EQ(again->latest_checkpoint(), dir + "/model.ckpt-25");

  // A warm start reads its checkpoint through the same file system.
  DNNClassifierOptions warm = in_memory(memory, std::string(kRoot) + "/warm");
  warm.warm_start_from = WarmStartSettings{.checkpoint = dir};
  testing::LogCapture log;
  warm.config.log = log.sink();
  DNNClassifier warmed(warm);
  warmed.train(train_fn, {.steps = 1});
  EXPECT_TRUE(log.contains("Warm-starting from " + dir + "/model.ckpt-25"));
  EXPECT_EQ(warmed.latest_checkpoint(), std::string(kRoot) + "/warm/model.ckpt-1");

  EXPECT_FALSE(std::filesystem::exists(kRoot)) << "something was written to the disk";
}

TEST(EstimatorMemoryFileSystemTest, TemporaryModelDirIsMadeInTheFileSystem) {
  MemoryFileSystem memory;
  DNNClassifierOptions o = in_memory(memory, "");
  DNNClassifier classifier(o);
  EXPECT_TRUE(memory.is_directory(classifier.model_dir())) << classifier.model_dir();
  EXPECT_FALSE(std::filesystem::exists(classifier.model_dir())) << classifier.model_dir();
}

TEST(EstimatorMemoryFileSystemTest, NullFileSystemIsRefused) {
  RunConfig config;
  config.file_system = nullptr;
  EXPECT_THROW(config.validate(), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::estimator
