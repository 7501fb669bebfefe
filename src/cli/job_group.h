// The processes a `cairn` command runs in: under `mpirun -np N cairn train
// ...` the N ranks of one Open MPI job (cairn/distribute/mpi_process_group.h),
// started alone the process by itself. Commands that train take the group
// from here; the rest ignore mpirun (every rank runs them on its own).
//
//   std::unique_ptr<ProcessGroup> mpi = job_process_group(cmd.collective_timeout);
//   ProcessGroup& group = mpi ? *mpi : single_process();
//   config.process_group = &group;   // rank 0 prints, every rank trains
#pragma once

#include <memory>

#include "cairn/core/process_group.h"

namespace CLI {
class App;
}  // namespace CLI

namespace cairn::cli {

// The default of --collective-timeout: how long a rank waits for the others
// at a collective (a save, a step's gradients) before naming the missing.
inline constexpr double kDefaultCollectiveTimeout = 300;

// Adds --collective-timeout SECONDS, stored in `seconds`.
void add_collective_timeout_flag(CLI::App& cmd, double& seconds);

// The Open MPI group of this job when mpirun started the process, else null
// (then single_process() stands for it). Made at most once per process.
std::unique_ptr<ProcessGroup> job_process_group(double timeout_seconds);

}  // namespace cairn::cli
