// The crash test of issue 5: a DNNClassifier trains on Iris in a child
// process, saving every few steps and keeping 3 checkpoints, and is killed
// with SIGKILL at random moments (during startup, training steps, saves and
// retention's deletions alike), then restarted; children alternate between
// synchronous and asynchronous saves. After every kill the model
// directory's newest checkpoint must restore with every checksum valid, its
// step must never fall behind the last save a synchronous child reported
// committed, and `verify` must find nothing damaged (issue 19: what a kill
// during retention leaves is an orphan). At the end training still reaches
// its target and no more than keep_checkpoint_max bundles are left on disk.
//
//   CAIRN_CRASH_KILLS  number of kills (default 200; `make test-long` runs 1000)
//   CAIRN_CRASH_SEED   seed of the kill delays (default 5), to replay a run
//   CAIRN_CRASH_MAX_DELAY_US  longest delay before a kill (default 150000)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/stale_temporaries.h"
#include "cairn/checkpoint/verify.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

constexpr int64_t kNeverReached = int64_t{1} << 40;
constexpr int kSaveEverySteps = 1;
constexpr int kKeepCheckpointMax = 3;
// Kill delays are drawn from [0, max delay] after fork. A child needs some
// milliseconds to start and restore; a save (five fsyncs) takes a few more.
constexpr uint64_t kMaxDelayMicros = 150000;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

DNNClassifierOptions crash_options(const std::string& dir, bool async) {
  auto options = testing::iris_options(dir);
  options.config.save_checkpoints_steps = kSaveEverySteps;
  options.config.keep_checkpoint_max = kKeepCheckpointMax;
  options.config.async_save = async;
  options.config.save_summary_steps = 0;
  options.config.log_step_count_steps = 1;  // a log line after every step
  return options;
}

// In the child: train until killed, writing to `report_fd` the step of each
// save that returned. "Saving checkpoints for N" is logged before save N
// starts; the next log line (a step's loss, or the final "Loss for final
// step") is logged only after save N returned, that is, after the
// checkpoint and the state file naming it were renamed into place. An
// asynchronous save returns before it is committed: those report nothing.
[[noreturn]] void train_in_child(const std::string& dir, int64_t max_steps, bool async,
                                 int report_fd) {
  int64_t pending = -1;
  auto options = crash_options(dir, async);
  options.config.log = [&](const std::string& line) {
    if (async) return;
    if (pending >= 0 && write(report_fd, &pending, sizeof(pending)) != sizeof(pending)) _exit(4);
    pending = -1;
    if (line.rfind("Saving checkpoints for ", 0) == 0) pending = std::stoll(line.substr(23));
  };
  try {
    DNNClassifier classifier(options);
    classifier.train(testing::train_input_fn(classifier.spec(), 30), {.max_steps = max_steps});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_test child: %s\n", e.what());
    _exit(3);
  }
  _exit(0);
}

struct ChildRun {
  int64_t last_committed = -1;  // the newest save reported returned, -1 if none
  int status = 0;               // as waitpid reports it
};

// Forks a trainer; with `kill_after` set, a timer thread in the child
// SIGKILLs it after that delay.
ChildRun run_child(const std::string& dir, std::optional<std::chrono::microseconds> kill_after,
                   int64_t max_steps, bool async = false) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    if (kill_after) {
      std::thread([delay = *kill_after] {
        std::this_thread::sleep_for(delay);
        kill(getpid(), SIGKILL);
      }).detach();
    }
    train_in_child(dir, max_steps, async, fds[1]);
  }
  close(fds[1]);
  ChildRun run;
  int64_t step = 0;
  while (read(fds[0], &step, sizeof(step)) == sizeof(step)) run.last_committed = step;
  close(fds[0]);
  waitpid(pid, &run.status, 0);
  return run;
}

// Reads every tensor of the newest checkpoint of `dir` (each read checks
// its crc32c) and returns its global_step; -1 when nothing is saved yet.
int64_t verify_newest_checkpoint(const std::string& dir) {
  std::optional<std::string> prefix = latest_checkpoint(dir);
  if (!prefix) return -1;
  CheckpointReader reader(*prefix);
  for (const auto& variable : reader.list_variables()) (void)reader.get_tensor(variable.name);
  int64_t step = reader.get_tensor("global_step").flat<int64_t>()[0];
  EXPECT_EQ(*prefix, dir + "/model.ckpt-" + std::to_string(step));
  return step;
}

// What `cairn verify` would call damaged in `dir`; empty when nothing is.
std::string damaged_checkpoints(const std::string& dir) {
  std::string out;
  for (const CheckpointHealth& h : verify_directory(dir)) {
    if (!h.ok && !h.orphan) out += "\n  DAMAGED " + h.prefix + ": " + h.problem;
  }
  return out;
}

// Checkpoint bundles on disk: names with a .index, .data-* or .meta file.
std::set<std::string> bundles_on_disk(const std::string& dir) {
  std::set<std::string> out;
  for (const std::string& name : testing::listing(dir)) {
    if (is_stale_temporary_name(name) || name.rfind("model.ckpt-", 0) != 0) continue;
    out.insert(name.substr(0, name.find('.', std::string("model.ckpt-").size())));
  }
  return out;
}

TEST(CrashTest, SigkillAtRandomMomentsNeverLosesACommittedCheckpoint) {
  const uint64_t seed = env_or("CAIRN_CRASH_SEED", 5);
  const uint64_t kills = env_or("CAIRN_CRASH_KILLS", 200);
  cairn::testing::TempDir tmp;
  const std::string dir = tmp.path() + "/model";
  (void)testing::iris_train();  // read the CSV once, before forking
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> delay(
      0, env_or("CAIRN_CRASH_MAX_DELAY_US", kMaxDelayMicros));
  auto start = std::chrono::steady_clock::now();

  int64_t committed = -1;  // newest save any child reported returned
  int64_t newest = -1;     // newest checkpoint step seen after a kill
  int restores = 0, with_leftovers = 0;
  for (uint64_t k = 0; k < kills; ++k) {
    const bool async = k % 2 == 1;
    ChildRun run = run_child(dir, std::chrono::microseconds(static_cast<int64_t>(delay(rng))),
                             kNeverReached, async);
    ASSERT_TRUE(WIFSIGNALED(run.status) && WTERMSIG(run.status) == SIGKILL)
        << "kill " << k << ": the child ended otherwise (status " << run.status << ")";
    committed = std::max(committed, run.last_committed);
    int64_t step = -1;
    ASSERT_NO_THROW(step = verify_newest_checkpoint(dir))
        << "kill " << k << " (seed " << seed << "): the newest checkpoint does not restore";
    ASSERT_GE(step, committed) << "kill " << k << " (seed " << seed
                               << "): a checkpoint reported committed was lost";
    ASSERT_GE(step, newest) << "kill " << k << ": the newest checkpoint went back";
    ASSERT_EQ(damaged_checkpoints(dir), "") << "kill " << k << " (seed " << seed << ")";
    newest = step;
    if (step >= 0) ++restores;
    for (const auto& name : testing::listing(dir)) {
      if (is_stale_temporary_name(name)) {
        ++with_leftovers;
        break;
      }
    }
  }

  // Training goes on: a run left alone reaches its target.
  const int64_t target = std::max<int64_t>(newest, 0) + 2 * kSaveEverySteps;
  ChildRun last = run_child(dir, std::nullopt, target);
  ASSERT_TRUE(WIFEXITED(last.status) && WEXITSTATUS(last.status) == 0) << last.status;
  EXPECT_EQ(last.last_committed, target);
  EXPECT_EQ(verify_newest_checkpoint(dir), target);
  for (const auto& name : testing::listing(dir)) {
    EXPECT_FALSE(is_stale_temporary_name(name)) << name << " survived the restart";
  }
  // Retention's leftovers were collected: only the kept checkpoints remain.
  const std::set<std::string> bundles = bundles_on_disk(dir);
  const int leaks = static_cast<int>(bundles.size()) - kKeepCheckpointMax;
  EXPECT_LE(leaks, 0) << ::testing::PrintToString(bundles);

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "crash test (seed %llu): %llu kills, %d restores verified (every tensor, every crc), "
      "%d kills left temporaries (removed at restart), newest committed step %lld, "
      "final step %lld, %zu bundles left (keep %d), %.1f s\n",
      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(kills), restores,
      with_leftovers, static_cast<long long>(committed), static_cast<long long>(target),
      bundles.size(), kKeepCheckpointMax, seconds);
}

}  // namespace
}  // namespace cairn::estimator
