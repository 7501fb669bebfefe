// CSVLogger: one CSV row per epoch (epoch, then the metrics in sorted order),
// as tf.keras.callbacks.CSVLogger.
//
//   auto log = std::make_shared<keras::CSVLogger>("training.log");
//   model.fit(x, y, {.epochs = 10, .callbacks = {log}});
//   // epoch,accuracy,loss
//   // 0,0.61,0.93
//
// With append, rows are added to an existing file (resumed training) and the
// header is written only if the file was empty. Each row is flushed. The file
// is written through `file_system` (borrowed), by default (nullptr) the
// model's, BaseModel::file_system().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cairn/io/file_system.h"
#include "cairn/keras/callbacks/callback.h"

namespace cairn::keras {

class CSVLogger : public Callback {
 public:
  explicit CSVLogger(std::string filename, char separator = ',', bool append = false,
                     FileSystem* file_system = nullptr);

  void on_train_begin(const Logs& logs) override;
  bool chief_only() const override { return true; }  // writes files
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

 private:
  std::string filename_;
  char separator_;
  bool append_;
  FileSystem* file_system_;  // nullptr: the model's
  bool header_written_ = false;
  std::vector<std::string> keys_;
  std::unique_ptr<WritableFile> file_;
};

}  // namespace cairn::keras
