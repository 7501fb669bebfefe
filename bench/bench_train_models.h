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
  std::string code_path;  // what was timed, e.g. "keras::Sequential::fit"
  // Multiply-adds per sample of each layer with weights, in order (what the
  // FLOP count is made of, bench_train.h): {784 * 512, 512 * 10} for mnist.
  std::vector<double> macs;
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
// Sequential::fit of "mnist", "mlp", "cnn" or "lstm" for about `seconds`, on the first
// `samples` examples (0: all), in batches of `batch` (0: the model's own),
// data-parallel over `group` (the batch is the global batch; every rank
// times the same steps).
TrainMeasurement bench_keras(const std::string& model, double seconds, int64_t samples,
                             int batch = 0, ProcessGroup& group = single_process());
// Sequential::fit of "mnist" for `epochs` epochs, checkpointing as `mode`
// says ("none", "sync", "async") into `dir`.
TrainMeasurement bench_keras_checkpoints(int epochs, const std::string& mode,
                                         const std::string& dir, int64_t samples);

// The forward and backward passes of the CNN's two Conv2D layers alone, as
// fit() runs them (Layer::forward_kept, Layer::backprop, the first without
// its input gradient), batch 64, for about `seconds`; `macs` are theirs.
TrainMeasurement bench_cnn_convolutions(double seconds);
// Their multiply-adds per sample: 28x28x1 -conv-> 26x26x32 (-pool-> 13x13x32)
// -conv-> 11x11x64.
std::vector<double> cnn_conv_macs();

// Training FLOPs of one step (see bench_train.h).
double flops_per_step(const std::vector<double>& macs, int64_t batch);
// The multiply-adds per sample of a stack of Dense layers of these widths
// (input first): in * out each.
std::vector<double> dense_macs(const std::vector<int64_t>& widths);

}  // namespace cairn::bench::internal
