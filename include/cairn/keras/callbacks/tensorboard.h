// TensorBoard: writes the epoch metrics as event files TensorBoard reads, laid
// out as tf.keras.callbacks.TensorBoard writes them:
//   <log_dir>/train/events.out.tfevents.<time>.<host>.<pid>.<n>.v2
//       "epoch_loss", "epoch_accuracy", ... at step = epoch (from 0),
//       and the model's Keras config under the tag "keras" (graph_keras_model)
//   <log_dir>/validation/events.out.tfevents...v2
//       "epoch_loss", "epoch_accuracy" from val_loss, val_accuracy
//
//   model.fit(x, y, {.epochs = 10, .validation_split = 0.2,
//                    .callbacks = {std::make_shared<keras::TensorBoard>("logs/fit")}});
//   // tensorboard --logdir logs/fit
//
// The files are written through `file_system` (borrowed), by default
// (nullptr) the model's, Sequential::file_system().
#pragma once

#include <memory>
#include <string>

#include "cairn/formats/events/event_writer.h"
#include "cairn/keras/callbacks/callback.h"

namespace cairn::keras {

class TensorBoard : public Callback {
 public:
  explicit TensorBoard(std::string log_dir = "logs", FileSystem* file_system = nullptr);
  ~TensorBoard() override;

  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

 private:
  EventWriter& writer(bool validation);

  std::string log_dir_;
  FileSystem* file_system_;  // nullptr: the model's
  std::unique_ptr<EventWriter> train_, validation_;
};

}  // namespace cairn::keras
