#include "cairn/keras/callbacks/tensorboard.h"

#include <unistd.h>

#include <atomic>

#include "cairn/core/errors.h"
#include "cairn/keras/sequential.h"
#include "cairn/proto/tensor.pb.h"

namespace cairn::keras {

namespace {

// TF names v2 event files "<...>.<pid>.<per-process counter>.v2".
std::string v2_suffix() {
  static std::atomic<int> counter{0};
  return "." + std::to_string(getpid()) + "." + std::to_string(counter++) + ".v2";
}

// The model's Keras config as a string tensor tagged "keras", which
// TensorBoard's graph dashboard draws as a conceptual graph.
tensorflow::Event keras_graph_event(const Sequential& model) {
  tensorflow::TensorProto tensor;
  tensor.set_dtype(tensorflow::DT_STRING);
  tensor.mutable_tensor_shape();
  const Json config{{"class_name", "Sequential"},
                    {"config", model.get_config()},
                    {"keras_version", "2.4.0"},
                    {"backend", "tensorflow"}};
  tensor.add_string_val(config.dump());
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
    : log_dir_(std::move(log_dir)), file_system_(file_system) {}

TensorBoard::~TensorBoard() = default;

EventWriter& TensorBoard::writer(bool validation) {
  std::unique_ptr<EventWriter>& w = validation ? validation_ : train_;
  if (!w) {
    const std::string dir = log_dir_ + (validation ? "/validation" : "/train");
    w = value_or_throw(EventWriter::create(file_system(file_system_), dir, v2_suffix()));
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
  throw_if_error(writer(false).flush());
  if (validation_) throw_if_error(validation_->flush());
}

void TensorBoard::on_train_end(const Logs& /*logs*/) {
  if (train_) throw_if_error(train_->close());
  if (validation_) throw_if_error(validation_->close());
  train_.reset();
  validation_.reset();
}

}  // namespace cairn::keras
