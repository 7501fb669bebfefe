// SavedModels of Keras models: load_model(dir) from the Keras config TF 1.x,
// TF 2.x or cairn recorded, and save_keras_model(model, base).
#include "keras/saving/keras_saved_model.h"

#include <chrono>
#include <thread>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/formats/export/export.h"
#include "cairn/formats/export/keras_saved_metadata.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/json_limits.h"
#include "keras/saving/keras3_config.h"
#include "keras/saving/model_config.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {
namespace internal {
namespace {

constexpr char kSequentialIdentifier[] = "_tf_keras_sequential";

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

// `text` as a JSON object; DataLossError naming `what` when it is not one.
Json parse_object(const std::string& text, const std::string& dir, const std::string& what) {
  Result<Json> json = parse_untrusted_json(text, dir + ": " + what);
  if (!json.ok()) throw DataLossError("load_model('" + dir + "'): " + json.status().message());
  if (!json->is_object()) {
    throw DataLossError("load_model('" + dir + "'): the " + what + " is not a JSON object");
  }
  return *json;
}

// The TF 2.x root's metadata as JSON; DataLossError when it does not parse.
Json root_metadata(FileSystem& fs, const std::string& dir) {
  const std::vector<KerasSavedObject> objects = value_or_throw(read_keras_saved_objects(fs, dir));
  const KerasSavedObject* root = root_object(objects);
  if (root == nullptr) {
    throw_no_keras_config(
        dir,
        "no assets/saved_model.json, no keras_metadata.pb, no Keras object in its object graph");
  }
  if (!is_model_identifier(root->identifier)) {
    throw_no_keras_config(dir, "its root is a '" + root->identifier + "', not a model");
  }
  return parse_object(root->metadata, dir, "Keras metadata of root");
}

// {"class_name", "config"}: TF 2.x records it as model_config, and also flat.
Json model_config_of(const Json& metadata) {
  if (metadata.contains("model_config") && metadata["model_config"].is_object()) {
    return metadata["model_config"];
  }
  return Json{{"class_name", metadata.value("class_name", Json())},
              {"config", metadata.value("config", Json())}};
}

// What rebuilds the model, and what compiles it (null when not recorded).
struct SavedKerasConfig {
  Json model_config;
  Json training_config;
};

// assets/saved_model.json (cairn's, TF 1.x's), then TF 2.x's metadata.
SavedKerasConfig saved_keras_config(FileSystem& fs, const std::string& dir) {
  const std::string json_path = keras_model_json_path(dir);
  if (fs.file_exists(json_path)) {
    SavedKerasConfig saved{.model_config = parse_object(value_or_throw(fs.read_file(json_path)),
                                                        dir, kKerasModelJsonAsset)};
    const std::string training_path = cairn_training_config_path(dir);
    if (fs.file_exists(training_path)) {
      saved.training_config =
          parse_object(value_or_throw(fs.read_file(training_path)), dir, kCairnTrainingConfigAsset);
    }
    return saved;
  }
  const Json metadata = root_metadata(fs, dir);
  return {.model_config = model_config_of(metadata),
          .training_config = metadata.value("training_config", Json())};
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

Sequential load_saved_model(FileSystem& fs, const std::string& dir, bool safe_mode) {
  const SavedKerasConfig saved = saved_keras_config(fs, dir);
  if (safe_mode) check_safe_mode(saved.model_config, dir);
  const std::string prefix = saved_model_variables_prefix(dir);
  Sequential model = model_from_config(saved.model_config, stored_parameters(fs, prefix));
  model.set_file_system(fs);
  load_tf_weights(fs, model, prefix);
  // Compiled afresh: the optimizer's state stays behind, as in tf.keras.
  if (saved.training_config.is_object()) {
    std::string why;
    if (auto options = compile_options_from(saved.training_config, why)) model.compile(*options);
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
