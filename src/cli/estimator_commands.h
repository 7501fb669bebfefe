// `cairn train`, `cairn evaluate`, `cairn predict`: the canned Estimators
// on CSV files, for users and for scripted checks.
//
//   cairn train --model-dir models/iris --train data/iris_training.csv
//               --hidden-units 10,10 --steps 1000
//   cairn evaluate --model-dir models/iris --data data/iris_test.csv --json
//   cairn predict --model-dir models/iris --data flowers.csv --json
//   mpirun -np 2 cairn train ...   (data-parallel: each rank a slice of every
//                                   batch; rank 0 prints, shards saved by all)
//
// A model directory remembers its configuration, so evaluate and predict
// need no model flags. A train flag that contradicts the recorded
// configuration fails with the incompatible-restore report.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/job_group.h"

namespace cairn::cli {

struct TrainCommand {
  std::string model_dir;
  std::string train_csv;
  std::optional<std::string>
      estimator;  // dnn-classifier | dnn-regressor | linear-classifier | keras
  // --estimator keras: the Keras model to train (.h5, .keras, SavedModel, or
  // model.to_json()'s .json) and its loss when the file records none.
  std::optional<std::string> keras_model;
  std::optional<std::string> loss;
  std::optional<std::vector<int64_t>> hidden_units;
  std::optional<int64_t> n_classes;
  std::optional<std::string> optimizer;
  std::optional<double> learning_rate;
  int64_t steps = 1000;
  int64_t batch_size = 100;
  std::optional<int64_t> save_checkpoints_steps;
  std::optional<double> save_checkpoints_secs;
  std::optional<int> keep_checkpoint_max;
  std::optional<uint64_t> seed;
  bool no_progress = false;  // no step progress on stderr (cli/progress_output.h)
  double collective_timeout = kDefaultCollectiveTimeout;  // under mpirun
};

struct DataCommand {
  std::string model_dir;
  std::string data_csv;
  int64_t batch_size = 100;
  bool json = false;
};

// Each returns the exit code (0, or 1 with "cairn <cmd>: CODE: message" on `err`).
int run_train(const TrainCommand& cmd, std::ostream& out, std::ostream& err);
int run_evaluate(const DataCommand& cmd, std::ostream& out, std::ostream& err);
int run_predict(const DataCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::cli
