// MpiProcessGroup: the processes of one `mpirun -np N` job as a
// ProcessGroup (cairn/core/process_group.h), over Open MPI. It is the only
// code in cairn that knows MPI; everything else takes a ProcessGroup&.
//
//   // mpirun -np 3 my_trainer
//   std::unique_ptr<cairn::ProcessGroup> group;
//   if (cairn::distribute::launched_by_mpirun())
//     group = std::make_unique<cairn::distribute::MpiProcessGroup>(
//         cairn::distribute::MpiProcessGroupOptions{.timeout_seconds = 60});
//   cairn::ProcessGroup& ranks = group ? *group : cairn::single_process();
//
// One group per process, made once and kept until the job ends: it starts
// MPI (MPI_Init_thread, unless the application already did) and finalizes
// it when destroyed; MPI cannot start again after that.
//
// Every collective goes through rank 0 with non-blocking messages polled
// against a deadline, so a rank that does not arrive is named instead of
// hanging the job: "checkpoint save at step 200: rank 2 did not arrive
// within 5 s", on every rank that did. A group that timed out (or found
// ranks in different collectives) is broken: its later collectives throw
// AbortedError, and destroying it prints why and, a second later (so the
// other ranks print theirs), ends every process of the job (MPI_Abort, exit
// code 1): no rank waits forever for a peer that gave up.
//
// Collectives may be called from any thread, one at a time (the group holds
// a lock; MPI runs at MPI_THREAD_SERIALIZED).
#pragma once

#include <memory>

#include "cairn/core/process_group.h"

namespace cairn::distribute {

struct MpiProcessGroupOptions {
  // How long rank 0 waits for every rank to arrive at a collective; the
  // other ranks wait a little longer for rank 0's answer (10%, at least 1 s)
  // so that they hear which rank was missing rather than guess.
  double timeout_seconds = 300;
};

class MpiProcessGroup final : public ProcessGroup {
 public:
  // Starts MPI if needed and joins every rank of MPI_COMM_WORLD (a
  // duplicate of it, so cairn's messages never meet the application's).
  // Throws FailedPreconditionError when MPI was already finalized.
  explicit MpiProcessGroup(MpiProcessGroupOptions options = {});
  // Finalizes MPI if this group started it; ends the job when broken.
  ~MpiProcessGroup() override;
  MpiProcessGroup(const MpiProcessGroup&) = delete;
  MpiProcessGroup& operator=(const MpiProcessGroup&) = delete;

  int rank() const override;
  int size() const override;
  double timeout_seconds() const override;

  void barrier(const std::string& what) override;
  std::vector<std::string> all_gather(std::string_view bytes, const std::string& what) override;
  void broadcast(std::string& bytes, int root, const std::string& what) override;
  // Rank 0 sums in rank order and sends the sum back: the same bits as
  // InProcessGroup's sum of the same inputs (see mpi_process_group.cc).
  void all_reduce_sum(std::span<float> values, const std::string& what) override;
  void all_reduce_sum(std::span<double> values, const std::string& what) override;

 private:
  template <typename T>
  void sum(std::span<T> values, const std::string& what);
  struct State;
  std::unique_ptr<State> state_;
};

// True when this process was started by Open MPI's mpirun/mpiexec (which set
// OMPI_COMM_WORLD_SIZE, Open MPI 4 and 5) or by another PMIx launcher such as
// Open MPI 5's prterun or Slurm's `srun --mpi=pmix` (PMIX_RANK). Ask before
// creating the group: a process started alone that initializes MPI sets
// PMIX_RANK in its own environment.
bool launched_by_mpirun();

}  // namespace cairn::distribute
