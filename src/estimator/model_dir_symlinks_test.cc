// Symbolic links planted in a model directory never make train or evaluate
// write outside it (issue 19, finding 7): a `.cairn.lock` link to another
// file, an `eval` link to another directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cairn/core/errors.h"
#include "cairn/estimator/estimator.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

using testing::iris_options;

class ModelDirSymlinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs_.create_directories(model()).ok());
    ASSERT_TRUE(fs_.create_directories(outside()).ok());
    ASSERT_TRUE(fs_.write_file_atomically(precious(), "keep me").ok());
  }
  std::string model() const { return tmp_.path() + "/model"; }
  std::string outside() const { return tmp_.path() + "/outside"; }
  std::string precious() const { return outside() + "/precious"; }
  void link(const std::string& target, const std::string& name) {
    ASSERT_EQ(::symlink(target.c_str(), (model() + "/" + name).c_str()), 0);
  }

  cairn::testing::TempDir tmp_;
  FileSystem& fs_ = default_file_system();
};

TEST_F(ModelDirSymlinksTest, LockFileSymlinkIsRefusedAndItsTargetNotOverwritten) {
  link(precious(), ".cairn.lock");
  DNNClassifier classifier(iris_options(model()));
  EXPECT_THROW(classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 1}),
               FailedPreconditionError);
  EXPECT_EQ(*fs_.read_file(precious()), "keep me");
}

TEST_F(ModelDirSymlinksTest, EvalDirectorySymlinkLeavingTheModelDirIsRefused) {
  DNNClassifier classifier(iris_options(model()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 2});
  link(outside(), "eval");
  try {
    classifier.evaluate(testing::eval_input_fn(classifier.spec()));
    FAIL() << "evaluate wrote events through a link out of the model directory";
  } catch (const FailedPreconditionError& e) {
    EXPECT_NE(std::string(e.what()).find(model() + "/eval"), std::string::npos) << e.what();
  }
  EXPECT_EQ(*fs_.list_directory(outside()), std::vector<std::string>{"precious"});
}

}  // namespace
}  // namespace cairn::estimator
