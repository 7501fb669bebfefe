// The crash test for Keras's ModelCheckpoint (issue 19): a fit() saving its
// weights to one path every two batches, synchronously or in the
// background, is SIGKILLed at random moments and restarted. After every
// kill `verify` finds nothing damaged and the weights load; at the end the
// directory holds the one checkpoint (no ".previous" copy, no temporary).
//
//   CAIRN_CRASH_KILLS  kills of the Estimator crash test; this one makes a
//                      quarter of them (default 50)
//   CAIRN_CRASH_SEED   seed of the kill delays (default 5)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "cairn/checkpoint/stale_temporaries.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/keras/callbacks/model_checkpoint.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

constexpr uint64_t kMaxDelayMicros = 150000;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

[[noreturn]] void fit_in_child(const std::string& dir, bool async, int epochs) {
  try {
    Sequential model = testing::small_classifier(5);
    auto [x, y] = testing::blobs(64, 5);
    auto checkpoint = std::make_shared<ModelCheckpoint>(
        dir + "/cp.ckpt",
        ModelCheckpointOptions{
            .save_weights_only = true, .save_freq = int64_t{2}, .async_save = async});
    model.fit(x, y, {.epochs = epochs, .batch_size = 16, .callbacks = {checkpoint}, .verbose = 0});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keras crash test child: %s\n", e.what());
    _exit(3);
  }
  _exit(0);
}

int run_child(const std::string& dir, bool async,
              std::optional<std::chrono::microseconds> kill_after, int epochs) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (kill_after) {
      std::thread([delay = *kill_after] {
        std::this_thread::sleep_for(delay);
        kill(getpid(), SIGKILL);
      }).detach();
    }
    fit_in_child(dir, async, epochs);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::string damaged_checkpoints(const std::string& dir) {
  std::string out;
  for (const CheckpointHealth& h : verify_directory(dir)) {
    if (!h.ok && !h.orphan) out += "\n  DAMAGED " + h.prefix + ": " + h.problem;
  }
  return out;
}

TEST(KerasCrashTest, SigkillDuringModelCheckpointSavesNeverLeavesDamage) {
  const uint64_t seed = env_or("CAIRN_CRASH_SEED", 5);
  const uint64_t kills = std::max<uint64_t>(4, env_or("CAIRN_CRASH_KILLS", 200) / 4);
  cairn::testing::TempDir tmp;
  const std::string dir = tmp.path() + "/weights";
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> delay(0, kMaxDelayMicros);
  int restorable = 0;
  for (uint64_t k = 0; k < kills; ++k) {
    const bool async = k % 2 == 1;
    int status = run_child(dir, async, std::chrono::microseconds(delay(rng)), 1000000);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "kill " << k << ": " << status;
    ASSERT_EQ(damaged_checkpoints(dir), "") << "kill " << k << " (seed " << seed << ")";
    if (std::filesystem::exists(dir)) {
      Sequential restored = testing::small_classifier(6);
      ASSERT_NO_THROW(if (newest_intact_checkpoint(dir)) {
        restored.load_weights(dir);
        ++restorable;
      }) << "kill "
         << k;
    }
  }
  for (bool async : {false, true}) {
    ASSERT_EQ(run_child(dir, async, std::nullopt, 2), 0) << "async " << async;
  }
  std::vector<std::string> left;
  for (std::string& name : value_or_throw(default_file_system().list_directory(dir))) {
    if (name != ".cairn.lock") left.push_back(std::move(name));
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"checkpoint", "cp.ckpt.data-00000-of-00001",
                                            "cp.ckpt.index"}));
  std::printf("keras crash test (seed %llu): %llu kills, %d loads verified, %zu files left\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(kills),
              restorable, left.size());
}

}  // namespace
}  // namespace cairn::keras
