// TensorBoard: writes the epoch metrics as event files TensorBoard reads, laid
// out as tf.keras.callbacks.TensorBoard writes them:
//   <log_dir>/train/events.out.tfevents.<time>.<host>.<pid>.<n>.v2
//       "epoch_loss", "epoch_accuracy", ... at step = epoch (from 0),
//       and the model's Keras config under the tag "keras" (graph_keras_model)
//   <log_dir>/validation/events.out.tfevents...v2
//       "epoch_loss", "epoch_accuracy" from val_loss, val_accuracy
// With histogram_freq N > 0, every N epochs (epochs 0, N, 2N, ...) the train
// file also gets a histogram (HistogramProto) of each layer's weights, tagged
// as tf.keras names them: the weight's name with ":0" as "_0",
// "dense/kernel_0", "dense/bias_0", ...
//
//   model.fit(x, y, {.epochs = 10, .validation_split = 0.2,
//                    .callbacks = {std::make_shared<keras::TensorBoard>(
//                        "logs/fit", keras::TensorBoardOptions{.histogram_freq = 1})}});
//   // tensorboard --logdir logs/fit, or: cairn events logs/fit
//
// The files are written through `file_system` (borrowed), by default
// (nullptr) the model's, BaseModel::file_system().
#pragma once

#include <memory>
#include <string>

#include "cairn/formats/events/event_writer.h"
#include "cairn/keras/callbacks/callback.h"

namespace cairn::keras {

struct TensorBoardOptions {
  // Write weight histograms every this many epochs; 0: never (Keras' default).
  int histogram_freq = 0;
  FileSystem* file_system = nullptr;  // nullptr: the model's
};

class TensorBoard : public Callback {
 public:
  explicit TensorBoard(std::string log_dir = "logs", FileSystem* file_system = nullptr);
  // Throws InvalidArgumentError for a negative histogram_freq.
  TensorBoard(std::string log_dir, TensorBoardOptions options);
  ~TensorBoard() override;

  void on_train_begin(const Logs& logs) override;
  bool chief_only() const override { return true; }  // writes files
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

 private:
  EventWriter& writer(bool validation);
  void write_weight_histograms(int epoch);

  std::string log_dir_;
  TensorBoardOptions options_;
  std::unique_ptr<EventWriter> train_, validation_;
};

}  // namespace cairn::keras
