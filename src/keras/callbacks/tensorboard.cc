#include "cairn/keras/callbacks/tensorboard.h"

#include <unistd.h>

#include <atomic>

#include "cairn/core/errors.h"
#include "cairn/keras/sequential.h"
#include "cairn/proto/tensor.pb.h"
#include "keras/saving/model_config.h"

namespace cairn::keras {

namespace {

// TF names v2 event files "<...>.<pid>.<per-process counter>.v2".
std::string v2_suffix() {
  static std::atomic<int> counter{0};
  return "." + std::to_string(getpid()) + "." + std::to_string(counter++) + ".v2";
}

// The model's Keras config as a string tensor tagged "keras", which
// TensorBoard's graph dashboard draws as a conceptual graph.
tensorflow::Event keras_graph_event(const BaseModel& model) {
  tensorflow::TensorProto tensor;
  tensor.set_dtype(tensorflow::DT_STRING);
  tensor.mutable_tensor_shape();
  tensor.add_string_val(internal::model_config_json(model).dump());
  tensorflow::Event event;
  tensorflow::Summary::Value* value = event.mutable_summary()->add_value();
  value->set_tag("keras");
  value->mutable_metadata()->mutable_plugin_data()->set_plugin_name("graph_keras_model");
  value->mutable_metadata()->mutable_plugin_data()->set_content("1");
  value->set_tensor(tensor.SerializeAsString());
  return event;
}

}  // namespace

TensorBoard::TensorBoard(std::string log_dir, FileSystem* file_system)
    : TensorBoard(std::move(log_dir), TensorBoardOptions{.file_system = file_system}) {}

TensorBoard::TensorBoard(std::string log_dir, TensorBoardOptions options)
    : log_dir_(std::move(log_dir)), options_(options) {
  if (options_.histogram_freq < 0) {
    throw InvalidArgumentError("TensorBoard: histogram_freq must be >= 0, got " +
                               std::to_string(options_.histogram_freq));
  }
}

TensorBoard::~TensorBoard() = default;

EventWriter& TensorBoard::writer(bool validation) {
  std::unique_ptr<EventWriter>& w = validation ? validation_ : train_;
  if (!w) {
    const std::string dir = log_dir_ + (validation ? "/validation" : "/train");
    w = value_or_throw(EventWriter::create(file_system(options_.file_system), dir, v2_suffix()));
  }
  return *w;
}

void TensorBoard::on_train_begin(const Logs& /*logs*/) {
  train_.reset();
  validation_.reset();
  throw_if_error(writer(false).add_event(keras_graph_event(model())));
}

void TensorBoard::on_epoch_end(int epoch, const Logs& logs) {
  for (const auto& [name, value] : logs) {
    const bool validation = name.rfind("val_", 0) == 0;
    const std::string tag = "epoch_" + (validation ? name.substr(4) : name);
    throw_if_error(writer(validation).add_scalar(tag, static_cast<float>(value), epoch));
  }
  if (options_.histogram_freq > 0 && epoch % options_.histogram_freq == 0) {
    write_weight_histograms(epoch);
  }
  throw_if_error(writer(false).flush());
  if (validation_) throw_if_error(validation_->flush());
}

// tf.keras' _log_weights: every weight of every layer, "dense/kernel:0"
// tagged "dense/kernel_0".
void TensorBoard::write_weight_histograms(int epoch) {
  for (const LayerPtr& layer : model().layers()) {
    for (const nn::Variable* w : layer->weights()) {
      throw_if_error(writer(false).add_histogram(w->name + "_0", w->value, epoch));
    }
  }
}

void TensorBoard::on_train_end(const Logs& /*logs*/) {
  if (train_) throw_if_error(train_->close());
  if (validation_) throw_if_error(validation_->close());
  train_.reset();
  validation_.reset();
}

}  // namespace cairn::keras
