// RunConfig::async_save: training goes on while checkpoints are written, but
// each checkpoint holds exactly the variables of its step (the same bytes a
// synchronous save writes), train() returns only when all are committed, and
// a background failure fails train().
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

DNNClassifierOptions every_ten_steps(const std::string& dir, bool async) {
  auto options = testing::iris_options(dir);
  options.config.save_checkpoints_steps = 10;
  options.config.keep_checkpoint_max = 0;  // keep all
  options.config.async_save = async;
  return options;
}

TEST(AsyncSaveTest, CheckpointsEqualSynchronousOnesStepByStep) {
  cairn::testing::TempDir sync_dir, async_dir;
  DNNClassifier sync_model(every_ten_steps(sync_dir.path(), false));
  sync_model.train(testing::train_input_fn(sync_model.spec()), {.steps = 45});
  DNNClassifier async_model(every_ten_steps(async_dir.path(), true));
  async_model.train(testing::train_input_fn(async_model.spec()), {.steps = 45});

  // train() returned: the last checkpoint is committed and recorded.
  EXPECT_EQ(latest_checkpoint(async_dir.path()), async_dir.path() + "/model.ckpt-45");
  for (int step : {1, 11, 21, 31, 41, 45}) {
    const std::string name = "/model.ckpt-" + std::to_string(step);
    CheckpointReader expected(sync_dir.path() + name), got(async_dir.path() + name);
    for (const VariableInfo& v : expected.list_variables()) {
      EXPECT_EQ(got.get_tensor(v.name), expected.get_tensor(v.name)) << name << " " << v.name;
    }
    EXPECT_TRUE(default_file_system().file_exists(async_dir.path() + name + ".meta")) << name;
  }
  // And the next train() resumes from it.
  async_model.train(testing::train_input_fn(async_model.spec()), {.steps = 5});
  EXPECT_EQ(latest_checkpoint(async_dir.path()), async_dir.path() + "/model.ckpt-50");
}

TEST(AsyncSaveTest, ABackgroundFailureFailsTrainAndKeepsEarlierCheckpoints) {
  cairn::testing::TempDir dir;
  // Step 11's data file cannot be renamed into place: a directory holds its name.
  ASSERT_TRUE(default_file_system()
                  .create_directories(dir.path() + "/model.ckpt-11.data-00000-of-00001")
                  .ok());
  DNNClassifier classifier(every_ten_steps(dir.path(), true));
  try {
    classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 30});
    FAIL() << "train() returned although a background save failed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.ckpt-11"), std::string::npos) << e.what();
  }
  EXPECT_EQ(load_variable(dir.path() + "/model.ckpt-1", "global_step").flat<int64_t>()[0], 1);
}

}  // namespace
}  // namespace cairn::estimator
