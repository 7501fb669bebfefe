#include "cli/job_group.h"

#include <CLI/CLI.hpp>

#include "cairn/distribute/mpi_process_group.h"

namespace cairn::cli {

void add_collective_timeout_flag(CLI::App& cmd, double& seconds) {
  cmd.add_option("--collective-timeout", seconds,
                 "Under mpirun: seconds a rank waits for the others at a step or a save "
                 "before naming the missing ranks and ending the job (default 300)")
      ->check(CLI::PositiveNumber);
}

std::unique_ptr<ProcessGroup> job_process_group(double timeout_seconds) {
  if (!distribute::launched_by_mpirun()) return nullptr;
  return std::make_unique<distribute::MpiProcessGroup>(
      distribute::MpiProcessGroupOptions{.timeout_seconds = timeout_seconds});
}

}  // namespace cairn::cli
