// Internal to `cairn-bench train` (bench_train.h): the timed training runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/core/process_group.h"

namespace cairn::bench::internal {

// Keras speed runs time at least this many steps, however short --seconds
// is, so that the 5 windows of bench_train.cc hold two steps each.
inline constexpr int64_t kMinTimedSteps = 10;

struct TrainMeasurement {
  std::string code_path;        // what was timed, e.g. "keras::Sequential::fit"
  std::vector<int64_t> layers;  // widths, input first: {784, 512, 10}
  int64_t batch = 0;
  int64_t steps = 0;     // steps timed
  double seconds = 0.0;  // their wall-clock time
  // Keras speed runs: when each timed step ended, in seconds from the start of
  // timing (the last is `seconds`); gives the windowed rates (bench_train.h).
  std::vector<double> step_ends;
  // Checkpoint runs only: per epoch (the save included), and per save the
  // time fit() was held up and the time until the checkpoint was committed.
  std::vector<double> epoch_seconds, save_blocking_seconds, save_total_seconds;
  // Keras speed runs on a group of ranks (mpirun): per rank, the seconds its
  // all_reduce_sum calls took during the timed steps (0 with one rank).
  std::vector<double> all_reduce_seconds_by_rank{0.0};
};

// Estimator::train of the Iris DNNClassifier for about `seconds`.
TrainMeasurement bench_iris(double seconds);
// Sequential::fit of "mnist" or "mlp" for about `seconds`, on the first
// `samples` examples (0: all), in batches of `batch` (0: the model's own),
// data-parallel over `group` (the batch is the global batch; every rank
// times the same steps).
TrainMeasurement bench_keras(const std::string& model, double seconds, int64_t samples,
                             int batch = 0, ProcessGroup& group = single_process());
// Sequential::fit of "mnist" for `epochs` epochs, checkpointing as `mode`
// says ("none", "sync", "async") into `dir`.
TrainMeasurement bench_keras_checkpoints(int epochs, const std::string& mode,
                                         const std::string& dir, int64_t samples);

// Training FLOPs of one step (see bench_train.h).
double flops_per_step(const std::vector<int64_t>& layers, int64_t batch);

}  // namespace cairn::bench::internal
