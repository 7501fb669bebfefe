// BaseModel: what every Keras model of cairn has, whether a Sequential stack
// or a functional Model graph: its layers and weights, its optimizer, its
// saves, and the settings fit() and its callbacks use. Callbacks
// (ModelCheckpoint, BackupAndRestore, EarlyStopping, ...) see a model through
// it, so one callback serves both kinds, as tf.keras.callbacks do.
//
//   class SaveEveryEpoch : public keras::Callback {
//     void on_epoch_end(int epoch, const keras::Logs&) override {
//       keras::BaseModel& m = model();   // a Sequential or a Model
//       m.save_weights("ckpt/epoch-" + std::to_string(epoch + 1));
//       if (m.weights().empty()) m.stop_training = true;
//     }
//   };
#pragma once

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "cairn/core/process_group.h"
#include "cairn/io/file_system.h"
#include "cairn/keras/callbacks/callback.h"
#include "cairn/keras/layers/layer.h"
#include "cairn/optim/optimizer.h"

namespace cairn::keras {

struct SaveWeightsOptions {
  // "tf" or "h5"; empty: Keras 3's layout for a path ending in .weights.h5,
  // "h5" (Keras 2's) for other paths ending in .h5/.hdf5/.keras, else "tf".
  std::string save_format;
};

struct SaveOptions {
  // For a .keras path: false writes Keras 3's unzipped form, a directory
  // holding metadata.json, config.json and model.weights.h5.
  bool zipped = true;
};

class BaseModel {
 public:
  virtual ~BaseModel() = default;

  virtual const std::string& name() const = 0;
  // Keras's class name of the model: "Sequential" or "Functional".
  virtual std::string class_name() const = 0;
  // Keras's model.layers.
  virtual const std::vector<LayerPtr>& layers() const = 0;
  // Every weight, layer by layer ("dense/kernel", "dense/bias", ...).
  virtual nn::VariableRefs weights() const = 0;
  // nullptr before compile().
  virtual optim::Optimizer* optimizer() const = 0;
  // Creates the optimizer's slots for the current weights (no-op before compile()).
  virtual void build_optimizer() = 0;
  // Keras's model config: {"name", "layers", ...} (its "config" part).
  virtual Json get_config() const = 0;

  virtual void save_weights(const std::string& path, const SaveWeightsOptions& options = {}) = 0;
  virtual void load_weights(const std::string& path) = 0;
  virtual void save(const std::string& path, const SaveOptions& options = {}) = 0;

  // Set by a callback (EarlyStopping) to end fit() after this epoch.
  bool stop_training = false;

  // Where fit() and callbacks print (default std::cout).
  std::ostream& output() const { return *output_; }
  void set_output(std::ostream& out) { output_ = &out; }
  // Seeds weight initialization, shuffling and dropout: drawn from the
  // generator set_random_seed() seeds, or random without it.
  uint64_t seed() const { return seed_; }
  void set_seed(uint64_t seed) { seed_ = seed; }
  // Where the model's files and its callbacks' files live (default: the
  // POSIX file system). `fs` is borrowed and must outlive its use here.
  FileSystem& file_system() const { return *file_system_; }
  void set_file_system(FileSystem& fs) { file_system_ = &fs; }
  // The ranks that fit() the model together (default: this process alone).
  // `group` is borrowed and must outlive its use here.
  ProcessGroup& process_group() const { return *process_group_; }
  void set_process_group(ProcessGroup& group) { process_group_ = &group; }

 protected:
  explicit BaseModel(uint64_t seed) : seed_(seed) {}
  BaseModel(BaseModel&&) noexcept = default;
  BaseModel& operator=(BaseModel&&) noexcept = default;

  // Data-parallel fit() (fit_replicas.cc), for the models' fit loops. Copies rank 0's weights,
  // optimizer state, seed and `start_epoch` to every rank; returns rank 0's
  // start epoch. InvalidArgumentError on every rank unless all have as many
  // training `samples` as rank 0.
  int start_replicas(int start_epoch, int64_t samples);
  // Replaces the gradients of `weights` and the batch `sums` by their sums
  // over the ranks, this rank's gradients weighted by its share of the rows.
  void all_reduce_step(const nn::VariableRefs& weights, std::vector<double>& sums,
                       int64_t local_rows, int64_t global_rows);
  // Sets stop_training on every rank when some rank set it.
  void agree_to_stop(int epoch);
  // `all` alone, or in a group on ranks other than 0 those not chief_only().
  std::vector<CallbackPtr> callbacks_on_this_rank(const std::vector<CallbackPtr>& all) const;

  uint64_t seed_;

 private:
  std::ostream* output_ = &std::cout;
  FileSystem* file_system_ = &default_file_system();
  ProcessGroup* process_group_ = &single_process();
};

}  // namespace cairn::keras
