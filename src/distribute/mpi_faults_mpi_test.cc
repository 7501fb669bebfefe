// A job that goes wrong on purpose, run under mpirun by ctest
// (cairn_mpi_test in src/CMakeLists.txt checks what it prints and that the
// job ends with an error instead of hanging), and a measurement:
//   mpi_faults_mpi_test stall       rank 2 sleeps for a minute; ranks 0 and 1
//                                   wait 1 s at a barrier, then name it
//   mpi_faults_mpi_test root_stall  rank 0 sleeps; ranks 1 and 2 name it
//   mpi_faults_mpi_test mismatch    rank 2 is at another collective's `what`
//   mpi_faults_mpi_test kind_mismatch  rank 2 gathers while the others wait at
//                                   a barrier of the same `what`
//   mpi_faults_mpi_test measure     prints the time of a barrier and of sums
//                                   (ours and MPI_Allreduce's) of 1 and 16 MB
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/distribute/mpi_process_group.h"

namespace {

using cairn::distribute::MpiProcessGroup;

void say(const MpiProcessGroup& group, const std::string& line) {
  std::printf("rank %d: %s\n", group.rank(), line.c_str());
  std::fflush(stdout);
}

void stall(MpiProcessGroup& group, int stalling_rank) {
  if (group.rank() == stalling_rank) std::this_thread::sleep_for(std::chrono::minutes(1));
  try {
    group.barrier("checkpoint save at step 200");
    say(group, "no error");
  } catch (const cairn::DeadlineExceededError& e) {
    say(group, std::string("DeadlineExceededError: ") + e.what());
  }
  try {
    group.barrier("step 201");
  } catch (const cairn::AbortedError& e) {
    say(group, std::string("then AbortedError: ") + e.what());
  }
}  // the broken group's destructor ends the job, the stalling rank included

// Rank 2 is at another `what` or, with `kinds`, in another collective.
void mismatch(MpiProcessGroup& group, bool kinds) {
  try {
    if (group.rank() != 2) {
      group.barrier("save");
    } else if (kinds) {
      group.all_gather("", "save");
    } else {
      group.barrier("restore");
    }
    say(group, "no error");
  } catch (const cairn::InternalError& e) {
    say(group, std::string("InternalError: ") + e.what());
  }
}

double seconds_per_call(int calls, const std::function<void()>& call) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
}

void measure(MpiProcessGroup& group) {
  const double barrier = seconds_per_call(1000, [&] { group.barrier("measure"); });
  if (group.rank() == 0) std::printf("barrier: %.1f us\n", barrier * 1e6);
  for (size_t megabytes : {1, 16}) {
    std::vector<float> values(megabytes << 18, 1.0f);
    const double ours =
        seconds_per_call(20, [&] { group.all_reduce_sum(std::span<float>(values), "measure"); });
    const double mpi = seconds_per_call(20, [&] {
      MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_FLOAT,
                    MPI_SUM, MPI_COMM_WORLD);
    });
    if (group.rank() == 0) {
      std::printf("all_reduce_sum of %zu MB: %.2f ms (MPI_Allreduce: %.2f ms)\n", megabytes,
                  ours * 1e3, mpi * 1e3);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool stalls = mode == "stall" || mode == "root_stall";
  MpiProcessGroup group({.timeout_seconds = stalls ? 1.0 : 20.0});
  if (stalls) {
    stall(group, mode == "stall" ? 2 : 0);
  } else if (mode == "mismatch" || mode == "kind_mismatch") {
    mismatch(group, mode == "kind_mismatch");
  } else if (mode == "measure") {
    measure(group);
  } else {
    std::fprintf(stderr,
                 "usage: mpi_faults_mpi_test stall|root_stall|mismatch|kind_mismatch|measure\n");
    return 2;
  }
  return 0;
}
