// SavedModels of Keras models: the objects' JSON written beside the serving
// graph, load_model(dir) and save_keras_model(model, base).
#include "keras/saving/keras_saved_model.h"

#include <chrono>
#include <thread>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/formats/export/export.h"
#include "cairn/formats/export/keras_saved_metadata.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/json_limits.h"
#include "keras/layers/layer_config.h"
#include "keras/saving/model_config.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {
namespace internal {
namespace {

constexpr char kSequentialIdentifier[] = "_tf_keras_sequential";
constexpr char kLayerIdentifier[] = "_tf_keras_layer";

// The properties tf.keras records for every layer.
Json layer_metadata(const Layer& layer) {
  const Json config = layer.config();
  return Json{{"class_name", layer.class_name()},
              {"name", layer.name()},
              {"trainable", true},
              {"expects_training_arg", layer.class_name() == "Dropout"},
              {"dtype", "float32"},
              {"batch_input_shape", config.value("batch_input_shape", Json())},
              {"stateful", false},
              {"must_restore_from_config", false},
              {"config", config}};
}

// A layer's properties, and what rebuilds and compiles the model.
Json model_metadata(const Sequential& model) {
  const Json saved = model_config_json(model);
  Json metadata{{"class_name", "Sequential"},
                {"name", model.name()},
                {"trainable", true},
                {"expects_training_arg", true},
                {"dtype", "float32"},
                {"batch_input_shape", nullptr},
                {"must_restore_from_config", false},
                {"config", saved["config"]},
                {"is_graph_network", model.built()},
                {"keras_version", saved["keras_version"]},
                {"backend", saved["backend"]},
                {"model_config", {{"class_name", "Sequential"}, {"config", saved["config"]}}}};
  if (model.built()) metadata["build_input_shape"] = shape_json(model.input_shape());
  if (model.compiled()) metadata["training_config"] = training_config_json(model);
  return metadata;
}

bool is_model_identifier(const std::string& identifier) {
  return identifier == kSequentialIdentifier || identifier == "_tf_keras_model" ||
         identifier == "_tf_keras_network";
}

// The model's record: the root of the object graph.
const KerasSavedObject* root_object(const std::vector<KerasSavedObject>& objects) {
  for (const KerasSavedObject& o : objects) {
    if (o.node_path == "root") return &o;
  }
  for (const KerasSavedObject& o : objects) {
    if (o.node_id == 0) return &o;
  }
  return nullptr;
}

[[noreturn]] void throw_no_keras_config(const std::string& dir, const std::string& why) {
  throw InvalidArgumentError(
      "load_model('" + dir + "'): the SavedModel has no Keras model config (" + why +
      "): it was not saved from a Keras model (a TF1 SavedModel, or tf.saved_model.save of "
      "another object); run it with cairn::serving::SavedModel or `cairn saved_model run " +
      dir + "`");
}

// The root's metadata as JSON; DataLossError when it does not parse.
Json root_metadata(FileSystem& fs, const std::string& dir) {
  const std::vector<KerasSavedObject> objects = value_or_throw(read_keras_saved_objects(fs, dir));
  const KerasSavedObject* root = root_object(objects);
  if (root == nullptr) {
    throw_no_keras_config(dir, "no keras_metadata.pb and no Keras object in its object graph");
  }
  if (!is_model_identifier(root->identifier)) {
    throw_no_keras_config(dir, "its root is a '" + root->identifier + "', not a model");
  }
  Result<Json> metadata = parse_untrusted_json(root->metadata, dir + ": Keras metadata of root");
  if (!metadata.ok()) {
    throw DataLossError("load_model('" + dir + "'): " + metadata.status().message());
  }
  if (!metadata->is_object()) {
    throw DataLossError("load_model('" + dir + "'): the Keras metadata of root is not an object");
  }
  return *metadata;
}

// {"class_name", "config"}: TF 2.x records it as model_config, and also flat.
Json model_config_of(const Json& metadata) {
  if (metadata.contains("model_config") && metadata["model_config"].is_object()) {
    return metadata["model_config"];
  }
  return Json{{"class_name", metadata.value("class_name", Json())},
              {"config", metadata.value("config", Json())}};
}

// The model cannot have more weights than the variables hold.
int64_t stored_parameters(FileSystem& fs, const std::string& prefix) {
  int64_t n = 0;
  for (const VariableInfo& v : CheckpointReader(prefix, fs).list_variables()) {
    if (has_values(v.dtype)) n += v.shape.num_elements();
  }
  return n;
}

}  // namespace

std::vector<KerasSavedObject> keras_saved_objects(const Sequential& model) {
  std::vector<KerasSavedObject> objects = {{.node_id = 0,
                                            .node_path = "root",
                                            .identifier = kSequentialIdentifier,
                                            .metadata = model_metadata(model).dump()}};
  for (size_t i = 0; i < model.layers().size(); ++i) {
    objects.push_back({.node_id = static_cast<int32_t>(i + 1),
                       .node_path = "root.layer-" + std::to_string(i),
                       .identifier = kLayerIdentifier,
                       .metadata = layer_metadata(*model.layers()[i]).dump()});
  }
  return objects;
}

Sequential load_saved_model(FileSystem& fs, const std::string& dir) {
  const Json metadata = root_metadata(fs, dir);
  const std::string prefix = saved_model_variables_prefix(dir);
  Sequential model = model_from_config(model_config_of(metadata), stored_parameters(fs, prefix));
  model.set_file_system(fs);
  load_tf_weights(fs, model, prefix);
  // Compiled afresh: the optimizer's state stays behind, as in tf.keras.
  if (metadata.contains("training_config") && metadata["training_config"].is_object()) {
    std::string why;
    if (auto options = compile_options_from(metadata["training_config"], why)) {
      model.compile(*options);
    }
  }
  return model;
}

}  // namespace internal

namespace {

// Directory names tried before giving up, one a second (as TensorFlow's
// get_timestamped_export_dir).
constexpr int kTimestampAttempts = 10;

int64_t seconds_since_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string save_keras_model(Sequential& model, const std::string& base) {
  FileSystem& fs = model.file_system();
  throw_if_error(fs.create_directories(base));
  for (int attempt = 0; attempt < kTimestampAttempts; ++attempt) {
    const int64_t now = seconds_since_epoch();
    const std::string dir = join_path(base, std::to_string(now));
    if (!fs.file_exists(dir)) {
      throw_if_error(
          export_inference_model(fs, model.inference_model(), dir, ExportFormat::kSavedModel));
      return dir;
    }
    // Taken (a save within the same second): wait for the next second.
    std::this_thread::sleep_until(
        std::chrono::system_clock::time_point(std::chrono::seconds(now + 1)));
  }
  throw AlreadyExistsError("save_keras_model('" + base +
                           "'): " + std::to_string(kTimestampAttempts) +
                           " timestamped directories in a row already exist");
}

}  // namespace cairn::keras
