// Callback: hooks into the fit() of a keras::Sequential or keras::Model, as
// tf.keras.callbacks.Callback;
// Logs: the metrics of a batch or epoch ("loss", "accuracy", "val_loss", ...)
// in the order Keras prints them; History: what fit() returns.
//
//   class PrintLoss : public keras::Callback {
//     void on_epoch_end(int epoch, const keras::Logs& logs) override {
//       std::cout << epoch << " " << logs.get("loss") << "\n";
//     }
//   };
//   model.fit(x, y, {.epochs = 5, .callbacks = {std::make_shared<PrintLoss>()}});
//
// Epochs are counted from 0 here, as in Keras (file names show epoch + 1).
// The callbacks shipped with cairn: ModelCheckpoint, EarlyStopping,
// TensorBoard, BackupAndRestore, CSVLogger (callbacks.h).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cairn {
class FileSystem;
}

namespace cairn::keras {

class BaseModel;

class Logs {
 public:
  Logs() = default;
  Logs(std::initializer_list<std::pair<std::string, double>> items) : items_(items) {}

  // Replaces the value of `name`, or appends it.
  void set(const std::string& name, double value);
  std::optional<double> find(const std::string& name) const;
  // Throws NotFoundError naming the metrics present.
  double get(const std::string& name) const;
  bool empty() const { return items_.empty(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<std::pair<std::string, double>> items_;
};

struct History {
  std::vector<int> epoch;                              // epochs run, from 0
  std::map<std::string, std::vector<double>> history;  // metric -> one value per epoch
};

class Callback {
 public:
  virtual ~Callback() = default;

  // Called by fit() before on_train_begin.
  void set_model(BaseModel* model) { model_ = model; }

  virtual void on_train_begin(const Logs& /*logs*/) {}
  virtual void on_train_end(const Logs& /*logs*/) {}
  virtual void on_epoch_begin(int /*epoch*/, const Logs& /*logs*/) {}
  virtual void on_epoch_end(int /*epoch*/, const Logs& /*logs*/) {}
  virtual void on_train_batch_begin(int /*batch*/, const Logs& /*logs*/) {}
  virtual void on_train_batch_end(int /*batch*/, const Logs& /*logs*/) {}

  // Asked after on_train_begin: the epoch fit() should start at instead of
  // its initial_epoch (BackupAndRestore resuming an interrupted run).
  virtual std::optional<int> resume_epoch() const { return std::nullopt; }

  // True for a callback that writes files: when the model trains on a group
  // of ranks (BaseModel::set_process_group), fit() calls it on rank 0 only.
  // Whatever it changes in the model there (BackupAndRestore's restored
  // weights, seed and resume_epoch) reaches the other ranks with rank 0's
  // state when training starts.
  virtual bool chief_only() const { return false; }

 protected:
  BaseModel& model() const;
  // The file system a callback writes through: `chosen` (its own option),
  // or when that is null the model's, BaseModel::file_system().
  FileSystem& file_system(FileSystem* chosen) const;

 private:
  BaseModel* model_ = nullptr;
};

using CallbackPtr = std::shared_ptr<Callback>;

}  // namespace cairn::keras
