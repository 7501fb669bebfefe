// One writer per model directory: a second trainer fails at once naming the
// holder, readers need no lock, a killed holder never blocks, and a trainer
// starts by removing the temporaries a killed save left behind.
#include "cairn/checkpoint/directory_lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

using ::testing::HasSubstr;

// A child process that holds model_dir's lock until it is SIGKILLed.
class LockHoldingChild {
 public:
  explicit LockHoldingChild(const std::string& model_dir) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      close(fds[0]);
      DirectoryLock lock(model_dir, "train: model_dir");
      char ready = 'L';
      if (write(fds[1], &ready, 1) != 1) _exit(2);
      for (;;) pause();
    }
    close(fds[1]);
    char ready = 0;
    locked_ = read(fds[0], &ready, 1) == 1;
    close(fds[0]);
  }
  ~LockHoldingChild() { kill_and_reap(); }
  void kill_and_reap() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }
  bool locked() const { return locked_; }

 private:
  pid_t pid_ = -1;
  bool locked_ = false;
};

std::string train_error(DNNClassifier& classifier) {
  try {
    classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 5});
  } catch (const FailedPreconditionError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelDirLockTest, SecondTrainerFailsAtOnceNamingTheHoldingProcess) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(testing::iris_options(tmp.path()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 5});
  LockHoldingChild child(tmp.path());
  ASSERT_TRUE(child.locked());

  auto start = std::chrono::steady_clock::now();
  std::string message = train_error(classifier);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_THAT(message, HasSubstr("pid " + std::to_string(child.pid()) + " on "));
  EXPECT_THAT(message, HasSubstr(tmp.path() + "/.cairn.lock"));
  EXPECT_LT(seconds, 5.0) << "a second trainer must fail at once, not wait";
  EXPECT_EQ(classifier.latest_checkpoint(), tmp.path() + "/model.ckpt-5") << "nothing written";

  // Readers take no lock.
  EXPECT_EQ(classifier.evaluate(testing::eval_input_fn(classifier.spec())).global_step, 5);
  EXPECT_EQ(classifier.predict(testing::eval_input_fn(classifier.spec())).size(), 30u);
}

TEST(ModelDirLockTest, LockOfAKilledTrainerNeverBlocks) {
  cairn::testing::TempDir tmp;
  LockHoldingChild child(tmp.path());
  ASSERT_TRUE(child.locked());
  child.kill_and_reap();

  DNNClassifier classifier(testing::iris_options(tmp.path()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 5});
  EXPECT_EQ(classifier.latest_checkpoint(), tmp.path() + "/model.ckpt-5");
  std::string holder = value_or_throw(default_file_system().read_file(tmp.path() + "/.cairn.lock"));
  EXPECT_EQ(holder, lock_holder_description() + "\n") << "the new holder's pid";
}

TEST(ModelDirLockTest, SecondTrainerInTheSameProcessFails) {
  cairn::testing::TempDir tmp;
  DirectoryLock held(tmp.path(), "train: model_dir");
  DNNClassifier classifier(testing::iris_options(tmp.path()));
  EXPECT_THAT(train_error(classifier), HasSubstr(lock_holder_description()));
}

TEST(ModelDirLockTest, LockIsReleasedAfterTrainAndHidden) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(testing::iris_options(tmp.path()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 2});
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 2});
  { DirectoryLock again(tmp.path(), "train: model_dir"); }  // free once train returned
  std::vector<std::string> hidden;
  for (const auto& name : value_or_throw(default_file_system().list_directory(tmp.path()))) {
    if (name[0] == '.') hidden.push_back(name);
  }
  EXPECT_EQ(hidden, std::vector<std::string>{".cairn.lock"});
}

TEST(ModelDirLockTest, TrainRemovesTemporariesOfAnInterruptedSave) {
  cairn::testing::TempDir tmp;
  testing::LogCapture log;
  auto options = testing::iris_options(tmp.path());
  options.config.log = log.sink();
  DNNClassifier classifier(options);
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 3});
  FileSystem& fs = default_file_system();
  const std::vector<std::string> leftovers = {
      "checkpoint.tmp0123456789abcdef",
      "model.ckpt-6.data-00000-of-00001.tempstate0123456789abcdef",
      "model.ckpt-6.index.tempstatefedcba9876543210", "model.ckpt-6.meta.tmp00000000ffffffff"};
  for (const auto& name : leftovers) {
    ASSERT_TRUE(fs.write_file_atomically(join_path(tmp.path(), name), "partial").ok());
  }
  ASSERT_TRUE(fs.write_file_atomically(tmp.path() + "/notes.tmp", "kept").ok());

  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 3});
  for (const auto& name : leftovers) {
    EXPECT_FALSE(fs.file_exists(join_path(tmp.path(), name))) << name;
    EXPECT_TRUE(log.contains("Removed " + name)) << name;
  }
  EXPECT_TRUE(fs.file_exists(tmp.path() + "/notes.tmp"));
  EXPECT_EQ(classifier.latest_checkpoint(), tmp.path() + "/model.ckpt-6");
}

}  // namespace
}  // namespace cairn::estimator
