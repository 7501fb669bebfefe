// Reading and writing each format of keras/convert.h as a WeightsFile: the
// format's name, what a path's name says, and one reader and writer per
// format over the format's own library.
#include <algorithm>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/formats/safetensors/safetensors.h"
#include "cairn/formats/safetensors/safetensors_reader.h"
#include "cairn/formats/safetensors/safetensors_writer.h"
#include "cairn/keras/convert.h"
#include "cairn/keras/sequential.h"
#include "keras/saving/h5_weights_file.h"
#include "keras/saving/keras3_weights.h"
#include "keras/saving/string_tensor_metadata.h"
#include "keras/saving/weights_file_io.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {
namespace {

constexpr std::pair<WeightsFormat, std::string_view> kFormatNames[] = {
    {WeightsFormat::kCheckpoint, "checkpoint"},
    {WeightsFormat::kH5, "h5"},
    {WeightsFormat::kSafetensors, "safetensors"},
    {WeightsFormat::kKerasModel, "keras"},
    {WeightsFormat::kKerasWeights, "weights.h5"}};

void sort_by_name(NamedTensors& tensors) {
  std::sort(tensors.begin(), tensors.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

WeightsFile read_checkpoint(const std::string& path, FileSystem& fs) {
  CheckpointReader reader(path, fs);
  WeightsFile out{.path = reader.prefix()};
  for (const BundleEntry& e : reader.bundle().entries()) {
    if (e.is_sliced) {
      throw UnimplementedError(
          reader.prefix() + ": tensor '" + e.name +
          "' is a slice of a partitioned variable, which cairn cannot convert");
    }
    if (!has_values(e.dtype)) {
      out.skipped.push_back(e.name + ": " + std::string(dtype_name(e.dtype)) +
                            " tensors are held by checkpoints only");
      continue;
    }
    out.tensors.emplace_back(e.name, reader.get_tensor(e.name));
  }
  return out;
}

WeightsFile read_safetensors(const std::string& path, FileSystem& fs) {
  auto reader = value_or_throw(SafetensorsReader::open(fs, path));
  WeightsFile out{.path = path, .metadata = reader->metadata()};
  for (const SafetensorsEntry& e : reader->entries()) {
    out.tensors.emplace_back(e.name, value_or_throw(reader->read(e.name)));
  }
  internal::take_string_tensors(out);
  return out;
}

// A whole model through the Keras front end: its weights as save_weights keys them.
// A Keras 3 weights file holds no model to key its variables by, so each
// keeps the path Keras 3 stores it under ("layers/dense/vars/0",
// "optimizer/vars/1"); a vars group's `name` attribute is kept in the
// metadata as "keras3.name/<path>".
WeightsFile keras3_weights_file(const std::string& path, FileSystem& fs) {
  const Keras3Weights weights = internal::read_keras3_weights(fs, path);
  WeightsFile out{.path = path};
  for (const Keras3Vars& object : weights.objects) {
    const std::string group = object.path.empty() ? "vars" : object.path + "/vars";
    for (size_t i = 0; i < object.vars.size(); ++i) {
      out.tensors.emplace_back(group + "/" + std::to_string(object.first_index + i),
                               object.vars[i]);
    }
    if (!object.name.empty()) out.metadata["keras3.name/" + object.path] = object.name;
  }
  sort_by_name(out.tensors);
  return out;
}

WeightsFile read_keras_model(const std::string& path, FileSystem& fs) {
  Sequential model = load_model(path, fs);
  WeightsFile out{.path = path};
  for (const auto& [name, tensor] : internal::collect_tf_weights(model).refs) {
    out.tensors.emplace_back(name, *tensor);
  }
  sort_by_name(out.tensors);
  return out;
}

void write_safetensors_file(WeightsFile weights, const std::string& path, FileSystem& fs) {
  internal::put_string_tensors(weights);
  std::vector<SafetensorsTensor> tensors;
  for (const auto& [name, tensor] : weights.tensors) tensors.push_back({name, &tensor});
  throw_if_error(write_safetensors(fs, path, tensors, weights.metadata));
}

// A prefix's base name: no extension, a step ("model.ckpt-200") or ".ckpt"
// ("cp-0001.ckpt").
bool looks_like_checkpoint_prefix(std::string_view base) {
  if (base.find('.') == std::string_view::npos || base.ends_with(".ckpt")) return true;
  const size_t dash = base.rfind('-');
  const std::string_view step = dash == std::string_view::npos ? "" : base.substr(dash + 1);
  return !step.empty() &&
         std::all_of(step.begin(), step.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<WeightsFormat> weights_format_from_name(std::string_view name) {
  if (name == "tf") return WeightsFormat::kCheckpoint;
  for (const auto& [format, n] : kFormatNames) {
    if (n == name) return format;
  }
  return std::nullopt;
}

std::string_view weights_format_name(WeightsFormat format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return "unknown";
}

std::optional<WeightsFormat> weights_format_of_path(std::string_view path) {
  const std::string base = basename(path);
  if (base.ends_with(".weights.h5")) return WeightsFormat::kKerasWeights;
  if (base.ends_with(".keras")) return WeightsFormat::kKerasModel;
  if (is_safetensors_path(base)) return WeightsFormat::kSafetensors;
  if (base.ends_with(".h5") || base.ends_with(".hdf5")) return WeightsFormat::kH5;
  if (is_bundle_file(base)) return WeightsFormat::kCheckpoint;
  if (looks_like_checkpoint_prefix(base)) return WeightsFormat::kCheckpoint;
  return std::nullopt;
}

namespace internal {

WeightsFile read_weights_file_as(const std::string& path, WeightsFormat format, FileSystem& fs) {
  switch (format) {
    case WeightsFormat::kCheckpoint:
      return read_checkpoint(path, fs);
    case WeightsFormat::kSafetensors:
      return read_safetensors(path, fs);
    case WeightsFormat::kH5:
      return h5_to_weights_file(value_or_throw(read_keras_h5(path, fs)), path);
    case WeightsFormat::kKerasWeights:
      return keras3_weights_file(path, fs);
    case WeightsFormat::kKerasModel:
      return read_keras_model(path, fs);
  }
  throw InternalError("unknown weights format");
}

void write_weights_file(const WeightsFile& weights, const std::string& path, WeightsFormat format,
                        FileSystem& fs) {
  switch (format) {
    case WeightsFormat::kCheckpoint:
      save_variables(path, weights.tensors, {.update_state_file = false}, fs);
      return;
    case WeightsFormat::kSafetensors:
      write_safetensors_file(weights, path, fs);
      return;
    case WeightsFormat::kH5:
      throw_if_error(write_keras_h5(path, h5_from_weights_file(weights), fs));
      return;
    case WeightsFormat::kKerasModel:
    case WeightsFormat::kKerasWeights:
      break;  // through a model: convert() loads one
  }
  throw InternalError("write_weights_file: " + std::string(weights_format_name(format)) +
                      " is written through a model");
}

}  // namespace internal

WeightsFile read_weights_file(const std::string& path, FileSystem& fs) {
  std::optional<WeightsFormat> format = fs.is_directory(path) && !path.ends_with(".keras")
                                            ? WeightsFormat::kCheckpoint
                                            : weights_format_of_path(path);
  if (!format && fs.file_exists(bundle_index_path(path))) format = WeightsFormat::kCheckpoint;
  if (!format) {
    if (!fs.file_exists(path)) throw NotFoundError("no weights file at " + path);
    throw InvalidArgumentError(path +
                               ": unknown extension; cairn reads checkpoints, .h5, "
                               ".hdf5, .safetensors, .keras and .weights.h5");
  }
  return internal::read_weights_file_as(path, *format, fs);
}

}  // namespace cairn::keras
