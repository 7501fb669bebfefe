// BackupAndRestore after SIGKILL: a child process trains and is killed at
// chosen batches and at random instants (seedable), the next child resumes
// from the backup, and the run that finally completes ends with weights
// identical, bit for bit, to a run that was never interrupted. Two models:
// a Dense classifier with Dropout, and a CNN whose BatchNormalization moving
// statistics, Dropout draws and Adam slots must all be restored.
#include "cairn/keras/callbacks/backup_and_restore.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <thread>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

constexpr uint64_t kSeed = 2024;

// What one kind of resumed training fits: its model, data and epochs.
struct ResumeCase {
  std::function<Sequential(uint64_t seed)> model;
  std::function<std::pair<Tensor, Tensor>()> data;
  int epochs;
};

const ResumeCase kDenseResume{
    .model = [](uint64_t seed) { return testing::small_classifier(seed); },
    .data = [] { return testing::blobs(600, 9); },
    .epochs = 8};
// 12 batches of 16 per epoch.
const ResumeCase kCnnResume{
    .model = [](uint64_t seed) { return testing::small_cnn_classifier(seed); },
    .data = [] { return testing::image_blobs(192, 9); },
    .epochs = 4};

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
Outcome run_child(const ResumeCase& resume, const std::string& backup_dir,
                  const std::string& final_prefix,
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
    auto [x, y] = resume.data();
    Sequential model = resume.model(kSeed);
    std::vector<CallbackPtr> callbacks{std::make_shared<BackupAndRestore>(backup_dir)};
    if (kill_at) callbacks.push_back(kill_at);
    model.fit(x, y,
              {.epochs = resume.epochs, .batch_size = 16, .callbacks = callbacks, .verbose = 0});
    model.save_weights(final_prefix);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          WIFEXITED(status) && WEXITSTATUS(status) == 0};
}

Sequential uninterrupted_run(const ResumeCase& resume) {
  auto [x, y] = resume.data();
  Sequential model = resume.model(kSeed);
  model.fit(x, y, {.epochs = resume.epochs, .batch_size = 16, .verbose = 0});
  return model;
}

// `reference`: the uninterrupted run's model, when already trained.
void expect_final_equals_uninterrupted(const ResumeCase& resume, const std::string& final_prefix,
                                       const Sequential* reference = nullptr) {
  std::optional<Sequential> trained;
  if (reference == nullptr) reference = &trained.emplace(uninterrupted_run(resume));
  Sequential restored = resume.model(1);
  restored.load_weights(final_prefix);
  EXPECT_TRUE(testing::same_weights(*reference, restored))
      << "resumed training must end with the uninterrupted run's weights";
}

// Kills at each (epoch, batch), resuming each time, then a run to the end.
void expect_kills_at_batches_resume(const ResumeCase& resume,
                                    std::initializer_list<std::pair<int, int>> kills) {
  cairn::testing::TempDir dir;
  const std::string backup = dir.path() + "/backup", final_prefix = dir.path() + "/final";
  for (auto [epoch, batch] : kills) {
    Outcome o = run_child(resume, backup, final_prefix, std::nullopt,
                          std::make_shared<KillAt>(epoch, batch));
    ASSERT_TRUE(o.killed) << "epoch " << epoch << " batch " << batch;
  }
  ASSERT_TRUE(run_child(resume, backup, final_prefix, std::nullopt, nullptr).completed);
  EXPECT_FALSE(std::filesystem::exists(backup)) << "a completed fit() deletes its backup";
  expect_final_equals_uninterrupted(resume, final_prefix);
}

// Rounds of kills after random delays (seeded), each until a run completes
// from the round's own backup; every round must end with the uninterrupted
// run's weights. The delays span half of a whole child's run (fork, data,
// fit, save): a first run is killed anywhere in its first half, resumed runs
// (which start later) anywhere in theirs.
void expect_random_kills_resume(const ResumeCase& resume) {
  constexpr int kRounds = 4, kMaxAttempts = 40;
  const Sequential reference = uninterrupted_run(resume);
  cairn::testing::TempDir timing;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      run_child(resume, timing.path() + "/backup", timing.path() + "/final", std::nullopt, nullptr)
          .completed);
  const auto run_time = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  std::mt19937_64 rng(kSeed);
  std::uniform_int_distribution<int64_t> delay(0, run_time.count() / 2);
  int kills = 0;
  for (int round = 0; round < kRounds; ++round) {
    cairn::testing::TempDir dir;
    const std::string backup = dir.path() + "/backup", final_prefix = dir.path() + "/final";
    int attempts = 0;
    for (; attempts < kMaxAttempts; ++attempts) {
      Outcome o =
          run_child(resume, backup, final_prefix, std::chrono::microseconds(delay(rng)), nullptr);
      if (o.completed) break;
      ASSERT_TRUE(o.killed) << "round " << round;
      ++kills;
    }
    if (attempts == kMaxAttempts) {
      ASSERT_TRUE(run_child(resume, backup, final_prefix, std::nullopt, nullptr).completed);
    }
    expect_final_equals_uninterrupted(resume, final_prefix, &reference);
  }
  std::cout << "BackupAndRestore: " << kills << " kills survived in " << kRounds << " rounds\n";
}

TEST(BackupAndRestoreTest, KilledAtChosenBatchesResumesToIdenticalWeights) {
  expect_kills_at_batches_resume(kDenseResume, {{0, 5}, {2, 0}, {2, 30}, {5, 37}});
}

TEST(BackupAndRestoreTest, KilledCnnAtChosenBatchesResumesToIdenticalWeights) {
  expect_kills_at_batches_resume(kCnnResume, {{0, 3}, {1, 0}, {1, 11}, {3, 6}});
}

// A kill while a completed fit() deletes its backup, after the state file
// went: the newest bundle beside it still resumes (past the last epoch).
TEST(BackupAndRestoreTest, KilledWhileDeletingTheFinishedBackup) {
  cairn::testing::TempDir dir;
  const std::string backup = dir.path() + "/backup", final_prefix = dir.path() + "/final";
  ASSERT_TRUE(run_child(kDenseResume, backup, final_prefix, std::nullopt,
                        std::make_shared<KillAtEpochEnd>(kDenseResume.epochs - 1))
                  .killed);
  ASSERT_TRUE(std::filesystem::remove(backup + "/checkpoint"));
  ASSERT_TRUE(run_child(kDenseResume, backup, final_prefix, std::nullopt, nullptr).completed);
  EXPECT_FALSE(std::filesystem::exists(backup));
  expect_final_equals_uninterrupted(kDenseResume, final_prefix);
}

TEST(BackupAndRestoreTest, KilledAtRandomInstantsResumesToIdenticalWeights) {
  expect_random_kills_resume(kDenseResume);
}

TEST(BackupAndRestoreTest, KilledCnnAtRandomInstantsResumesToIdenticalWeights) {
  expect_random_kills_resume(kCnnResume);
}

}  // namespace
}  // namespace cairn::keras
