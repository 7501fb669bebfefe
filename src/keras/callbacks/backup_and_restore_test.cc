// BackupAndRestore after SIGKILL: a child process trains and is killed at
// chosen batches and at random instants (seedable), the next child resumes
// from the backup, and the run that finally completes ends with weights
// identical, bit for bit, to a run that was never interrupted.
#include "cairn/keras/callbacks/backup_and_restore.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using testing::small_classifier;

constexpr int kEpochs = 8;
constexpr uint64_t kSeed = 2024;

// Kills its own process at the end of batch `batch` of epoch `epoch`.
class KillAt : public Callback {
 public:
  KillAt(int epoch, int batch) : epoch_(epoch), batch_(batch) {}
  void on_epoch_begin(int epoch, const Logs&) override { current_ = epoch; }
  void on_train_batch_end(int batch, const Logs&) override {
    if (current_ == epoch_ && batch == batch_) raise(SIGKILL);
  }

 private:
  int epoch_, batch_, current_ = -1;
};

// Kills its own process at the end of epoch `epoch`, after the callbacks before it ran.
class KillAtEpochEnd : public Callback {
 public:
  explicit KillAtEpochEnd(int epoch) : epoch_(epoch) {}
  void on_epoch_end(int epoch, const Logs&) override {
    if (epoch == epoch_) raise(SIGKILL);
  }

 private:
  int epoch_;
};

struct Outcome {
  bool killed;
  bool completed;
};

// Runs one training attempt in a child process; `kill_after` kills it from a
// timer thread, `kill_at` from inside training. The child saves its final
// weights to `final_prefix` when fit() returns.
Outcome run_child(const std::string& backup_dir, const std::string& final_prefix,
                  std::optional<std::chrono::microseconds> kill_after,
                  std::shared_ptr<Callback> kill_at) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    if (kill_after) {
      std::thread([d = *kill_after] {
        std::this_thread::sleep_for(d);
        kill(getpid(), SIGKILL);
      }).detach();
    }
    auto [x, y] = blobs(600, 9);
    Sequential model = small_classifier(kSeed);
    std::vector<CallbackPtr> callbacks{std::make_shared<BackupAndRestore>(backup_dir)};
    if (kill_at) callbacks.push_back(kill_at);
    model.fit(x, y, {.epochs = kEpochs, .batch_size = 16, .callbacks = callbacks, .verbose = 0});
    model.save_weights(final_prefix);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          WIFEXITED(status) && WEXITSTATUS(status) == 0};
}

Sequential uninterrupted_run() {
  auto [x, y] = blobs(600, 9);
  Sequential model = small_classifier(kSeed);
  model.fit(x, y, {.epochs = kEpochs, .batch_size = 16, .verbose = 0});
  return model;
}

void expect_final_equals_uninterrupted(const std::string& final_prefix) {
  Sequential reference = uninterrupted_run();
  Sequential restored = small_classifier(1);
  restored.load_weights(final_prefix);
  EXPECT_TRUE(testing::same_weights(reference, restored))
      << "resumed training must end with the uninterrupted run's weights";
}

TEST(BackupAndRestoreTest, KilledAtChosenBatchesResumesToIdenticalWeights) {
  cairn::testing::TempDir dir;
  const std::string backup = dir.path() + "/backup", final_prefix = dir.path() + "/final";
  for (auto [epoch, batch] :
       {std::pair{0, 5}, std::pair{2, 0}, std::pair{2, 30}, std::pair{5, 37}}) {
    Outcome o =
        run_child(backup, final_prefix, std::nullopt, std::make_shared<KillAt>(epoch, batch));
    ASSERT_TRUE(o.killed) << "epoch " << epoch << " batch " << batch;
  }
  ASSERT_TRUE(run_child(backup, final_prefix, std::nullopt, nullptr).completed);
  EXPECT_FALSE(std::filesystem::exists(backup)) << "a completed fit() deletes its backup";
  expect_final_equals_uninterrupted(final_prefix);
}

// A kill while a completed fit() deletes its backup, after the state file
// went: the newest bundle beside it still resumes (past the last epoch).
TEST(BackupAndRestoreTest, KilledWhileDeletingTheFinishedBackup) {
  cairn::testing::TempDir dir;
  const std::string backup = dir.path() + "/backup", final_prefix = dir.path() + "/final";
  ASSERT_TRUE(
      run_child(backup, final_prefix, std::nullopt, std::make_shared<KillAtEpochEnd>(kEpochs - 1))
          .killed);
  ASSERT_TRUE(std::filesystem::remove(backup + "/checkpoint"));
  ASSERT_TRUE(run_child(backup, final_prefix, std::nullopt, nullptr).completed);
  EXPECT_FALSE(std::filesystem::exists(backup));
  expect_final_equals_uninterrupted(final_prefix);
}

TEST(BackupAndRestoreTest, KilledAtRandomInstantsResumesToIdenticalWeights) {
  const auto start = std::chrono::steady_clock::now();
  uninterrupted_run();
  const auto run_time = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  cairn::testing::TempDir dir;
  const std::string backup = dir.path() + "/backup", final_prefix = dir.path() + "/final";
  std::mt19937_64 rng(kSeed);
  std::uniform_int_distribution<int64_t> delay(0, run_time.count() + 2000);
  int kills = 0, attempts = 0;
  for (; attempts < 40; ++attempts) {
    Outcome o = run_child(backup, final_prefix, std::chrono::microseconds(delay(rng)), nullptr);
    if (o.completed) break;
    ASSERT_TRUE(o.killed);
    ++kills;
  }
  if (attempts == 40) {
    ASSERT_TRUE(run_child(backup, final_prefix, std::nullopt, nullptr).completed);
  }
  std::cout << "BackupAndRestore: " << kills << " kills survived\n";
  expect_final_equals_uninterrupted(final_prefix);
}

}  // namespace
}  // namespace cairn::keras
