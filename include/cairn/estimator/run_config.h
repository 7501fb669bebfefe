// RunConfig: when an Estimator saves checkpoints and summaries, how many
// checkpoints it keeps, and its random seed, as tf.estimator.RunConfig.
//
//   cairn::estimator::RunConfig config{
//       .save_checkpoints_secs = 20 * 60,  // every 20 minutes
//       .keep_checkpoint_max = 10};        // retain the 10 newest
//
// Defaults are TensorFlow's: a checkpoint every 600 s (and always at the
// first and last step of each train call), the 5 newest kept, summaries and
// step-rate logs every 100 steps. Setting both save_checkpoints_secs and
// save_checkpoints_steps is an InvalidArgumentError, as in TensorFlow.
//
// Data-parallel training: give every rank of a job the same RunConfig and
// model_dir, with `process_group` its rank of the group (an MPI group under
// mpirun, cairn/distribute; threads in tests, cairn/core/in_process_group.h):
//
//   cairn::estimator::RunConfig config{.process_group = &group};
//   classifier.train(input_fn, {.steps = 1000});   // on every rank
//
// input_fn yields GLOBAL batches and must yield the same ones on every rank
// (seed its shuffle); each rank trains on its rank_slice() of every batch,
// the gradients are averaged over the ranks (weighted by their rows) and
// every rank applies the same update, so N ranks with b rows each train like
// one process with batches of N·b. Rank 0's variables are copied to all at
// the start; rank 0 alone logs and writes events, summaries and graph.pbtxt.
// evaluate() and predict() need no other rank (only rank 0 writes eval/).
//
// Every file an Estimator reads or writes (checkpoints and their .meta,
// graph.pbtxt, event files, eval/, the directory lock, exports, a warm
// start's checkpoint) goes through `file_system`, the POSIX one by default:
//
//   cairn::MemoryFileSystem memory;   // cairn/io/memory_file_system.h
//   cairn::estimator::RunConfig in_memory{.file_system = &memory};
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cairn/core/process_group.h"
#include "cairn/io/file_system.h"

namespace cairn::estimator {

// What the default `log` writes before each line on stderr, as TensorFlow's
// logging writes "INFO:tensorflow:".
inline constexpr char kDefaultLogPrefix[] = "INFO:cairn:";

struct RunConfig {
  std::optional<double> save_checkpoints_secs;  // default 600 when neither is set
  std::optional<int64_t> save_checkpoints_steps;
  int keep_checkpoint_max = 5;  // <= 0 keeps all
  double keep_checkpoint_every_n_hours = 10000;
  int64_t save_summary_steps = 100;        // 0 disables summaries (scalars, weight histograms)
  int64_t log_step_count_steps = 100;      // 0 disables loss/rate logs
  std::optional<uint64_t> tf_random_seed;  // unset: a fresh seed each run
  // Seconds since the epoch; injectable for tests. Default: the system clock.
  std::function<double()> clock;
  // Where log lines go ("loss = 0.52, step = 101"). Default: stderr.
  std::function<void(const std::string&)> log;
  // Restores verify every checksum; a damaged newest checkpoint (missing
  // file, checksum mismatch, truncation) is skipped with a warning naming it
  // and the newest intact one restored. Set this to throw DataLossError instead.
  bool fail_on_damaged_checkpoint = false;
  // Save checkpoints in the background: training pauses only while the
  // variables are copied in memory; a thread writes them with the same atomic
  // commit. At most one save is in flight (the next waits for it); a failed
  // background save is thrown by the next save or, at the latest, by train()
  // itself, which returns only once every save is committed.
  bool async_save = false;
  // Where the model directory lives (borrowed: it must outlive the
  // Estimator). Must not be null.
  FileSystem* file_system = &default_file_system();
  // The ranks training this model together (borrowed: it must outlive the
  // Estimator). Must not be null. The group of one trains alone.
  ProcessGroup* process_group = &single_process();

  // Throws InvalidArgumentError for contradictory or out-of-range settings.
  void validate() const;
  // The time between checkpoints, when saving by time.
  std::optional<double> effective_save_secs() const;
};

}  // namespace cairn::estimator
