// save_weights / load_weights / save of Sequential and Model, keras::load_model
// and keras::load_functional_model:
// choosing the format from the path, as tf.keras does.
#include "keras/saving/saving.h"

#include <type_traits>

#include "cairn/core/errors.h"
#include "cairn/formats/export/export.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "keras/model_kinds.h"
#include "keras/saving/keras3_weights.h"
#include "keras/saving/keras_archive.h"
#include "keras/saving/keras_saved_model.h"
#include "keras/saving/model_config.h"
#include "keras/saving/model_h5.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

namespace internal {

namespace {

template <class M>
void save_weights_of(FileSystem& fs, M& model, const std::string& path,
                     const SaveWeightsOptions& options) {
  if (options.save_format.empty() && is_keras3_weights_path(path)) {
    if constexpr (std::is_same_v<M, Sequential>) {
      save_keras3_weights(fs, model, path);
      return;
    } else {
      throw UnimplementedError("save_weights('" + path + "'): Keras 3's .weights.h5 layout is " +
                               "not written for functional models yet; use an .h5 or a TF prefix");
    }
  }
  const std::string format =
      options.save_format.empty() ? (is_keras_h5_path(path) ? "h5" : "tf") : options.save_format;
  if (format == "h5") {
    save_h5(fs, model, path, /*whole_model=*/false);
  } else if (format == "tf") {
    if constexpr (std::is_same_v<M, Model>) model.build_optimizer();
    save_tf_weights(fs, model, path);
  } else {
    throw InvalidArgumentError("save_format must be 'tf' or 'h5', got '" + format + "'");
  }
}

template <class M>
void save_model_of(FileSystem& fs, M& model, const std::string& path, const SaveOptions& options) {
  if (is_keras_archive_path(path)) {
    if constexpr (std::is_same_v<M, Sequential>) {
      save_keras_archive(fs, model, path, options.zipped);
      return;
    } else {
      throw UnimplementedError("save('" + path + "'): functional model '" + model.name() +
                               "' is saved as Keras 2 HDF5 (a path ending in .h5 or .hdf5) or "
                               "a SavedModel directory; the .keras archive is not written for "
                               "functional models yet");
    }
  }
  if (!is_keras_h5_path(path)) {
    throw_if_error(
        export_inference_model(fs, model.inference_model(), path, ExportFormat::kSavedModel));
    return;
  }
  save_h5(fs, model, path, /*whole_model=*/true);
}

}  // namespace

void save_weights(FileSystem& fs, BaseModel& model, const std::string& path,
                  const SaveWeightsOptions& options) {
  visit_model(model, [&](auto& m) { save_weights_of(fs, m, path, options); });
}

void save_model(FileSystem& fs, BaseModel& model, const std::string& path,
                const SaveOptions& options) {
  visit_model(model, [&](auto& m) { save_model_of(fs, m, path, options); });
}

}  // namespace internal

void Sequential::save_weights(const std::string& path, const SaveWeightsOptions& options) {
  internal::save_weights(file_system(), *this, path, options);
}

void Sequential::load_weights(const std::string& path) {
  FileSystem& fs = file_system();
  if (internal::is_keras3_weights_path(path) || internal::is_keras3_sharded_path(path)) {
    internal::load_keras3_weights(fs, *this, path);
  } else if (internal::is_keras_archive_path(path) && internal::holds_keras_archive(fs, path)) {
    internal::load_keras_archive_weights(fs, *this, path);
  } else if (is_keras_h5_path(path) && fs.file_exists(path) && !fs.is_directory(path)) {
    internal::load_h5_weights(fs, *this, path);
  } else {
    internal::load_tf_weights(fs, *this, path);
  }
}

void Sequential::save(const std::string& path, const SaveOptions& options) {
  internal::save_model(file_system(), *this, path, options);
}

Sequential load_model(const std::string& path, FileSystem& fs) {
  return load_model(path, LoadModelOptions{}, fs);
}

Sequential load_model(const std::string& path, const LoadModelOptions& options, FileSystem& fs) {
  if (fs.file_exists(saved_model_pb_path(path)))
    return internal::load_saved_model(fs, path, options.safe_mode);
  if (internal::holds_keras_archive(fs, path)) {
    return internal::load_keras_archive(fs, path, options.safe_mode);
  }
  return internal::load_h5_model(fs, path);  // Keras 2 HDF5, whatever its extension
}

void Model::save(const std::string& path, const SaveOptions& options) {
  internal::save_model(file_system(), *this, path, options);
}

Model load_functional_model(const std::string& path, FileSystem& fs) {
  if (fs.file_exists(saved_model_pb_path(path)) || internal::holds_keras_archive(fs, path)) {
    Sequential stack = load_model(path, fs);  // cairn reads Sequential models from these
    Model model = internal::functional_from_sequential(stack);
    model.set_file_system(fs);
    return model;
  }
  return internal::load_h5_functional_model(fs, path);
}

Model functional_model_from_json(const std::string& json_text, const std::string& source) {
  const std::string where = source.empty() ? "model JSON" : source;
  if (!Json::accept(json_text)) throw InvalidArgumentError(where + " is not JSON");
  try {
    // Untrusted text: its layers may hold at most 2^28 weights (1 GiB of float32).
    return internal::functional_model_from_config(Json::parse(json_text), int64_t{1} << 28);
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError(where + ": " + e.what());
  }
}

bool is_functional_model_file(const std::string& path, FileSystem& fs) {
  if (fs.file_exists(saved_model_pb_path(path)) || internal::holds_keras_archive(fs, path)) {
    return false;
  }
  const internal::H5Model saved = internal::read_h5_model(fs, path);
  return saved.config.is_object() &&
         internal::is_functional_class(saved.config.value("class_name", ""));
}

}  // namespace cairn::keras
