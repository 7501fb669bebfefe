#include "cairn/keras/callbacks/csv_logger.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "cairn/core/errors.h"

namespace cairn::keras {

namespace {

// Python's repr of a float, which Keras's csv writer prints: shortest round trip.
std::string python_float(double v) {
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v) break;
  }
  std::string text = buffer;
  if (text.find_first_of(".eni") == std::string::npos) text += ".0";
  return text;
}

}  // namespace

CSVLogger::CSVLogger(std::string filename, char separator, bool append, FileSystem* file_system)
    : filename_(std::move(filename)),
      separator_(separator),
      append_(append),
      file_system_(file_system) {}

void CSVLogger::on_train_begin(const Logs& /*logs*/) {
  FileSystem& fs = file_system(file_system_);
  keys_.clear();
  file_ =
      value_or_throw(append_ ? fs.new_appendable_file(filename_) : fs.new_writable_file(filename_));
  header_written_ = file_->size() > 0;
}

void CSVLogger::on_epoch_end(int epoch, const Logs& logs) {
  if (keys_.empty()) {
    for (const auto& [name, v] : logs) keys_.push_back(name);
    std::sort(keys_.begin(), keys_.end());
  }
  std::string text;
  if (!header_written_) {
    text = "epoch";
    for (const std::string& k : keys_) text += separator_ + k;
    text += "\n";
    header_written_ = true;
  }
  text += std::to_string(epoch);
  for (const std::string& k : keys_) {
    std::optional<double> v = logs.find(k);
    text += separator_ + (v ? python_float(*v) : std::string("NA"));
  }
  throw_if_error(file_->append(text + "\n"));
  throw_if_error(file_->flush());
}

void CSVLogger::on_train_end(const Logs& /*logs*/) {
  if (file_) throw_if_error(file_->close());
  file_.reset();
}

}  // namespace cairn::keras
