// Test-only helpers for tests that launch `mpirun` themselves (a command
// under several ranks, then signals to one rank): the command line, a job
// running in the background, and waiting for a model directory to move.
//
//   cairn::testing::BackgroundCommand job(cairn::testing::mpirun_command(2, "cairn train ..."));
//   cairn::testing::wait_for_step_past(dir, 0, 60);     // a first checkpoint
//   job.kill_rank(1);                       // SIGKILL to rank 1's process
//   cairn::testing::CommandResult ended = job.finish(60);
//
// The environment Open MPI needs to run here (as root, oversubscribed) is
// set by ctest for these tests (cmake/CairnMpiTest.cmake), never by cairn.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "testing/test_util.h"

namespace cairn::testing {

// "mpirun -np N --oversubscribe COMMAND".
std::string mpirun_command(int np, const std::string& command);

// A shell command started in its own process group, its output captured.
class BackgroundCommand {
 public:
  explicit BackgroundCommand(const std::string& command);
  // Kills whatever is left of the command (its whole process group).
  ~BackgroundCommand();
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  // Sends `signal` to the process of MPI rank `rank` among the command's
  // descendants (found by OMPI_COMM_WORLD_RANK in their environment); false
  // when there is no such process.
  bool signal_rank(int rank, int signal);
  bool kill_rank(int rank);
  // Waits for the command to end, at most `timeout_seconds` (then kills its
  // process group and reports exit code -1 and "timed out" in err).
  CommandResult finish(double timeout_seconds = 120);

 private:
  pid_t pid_ = -1;
  TempDir output_;
  bool finished_ = false;
};

// The step of the checkpoint the state file of `dir` names newest (0 if none).
int64_t newest_step(const std::string& dir);
// Waits until newest_step(dir) > step, at most `timeout_seconds`.
bool wait_for_step_past(const std::string& dir, int64_t step, double timeout_seconds);

}  // namespace cairn::testing
