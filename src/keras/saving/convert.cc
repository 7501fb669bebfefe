// keras::convert: reads the input as named tensors and writes them in the
// output's format; a Keras model file is written from the input loaded as a
// model (keras/convert.h has the names).
#include <optional>

#include "cairn/core/errors.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/keras/convert.h"
#include "cairn/keras/sequential.h"
#include "keras/saving/weights_file_io.h"

namespace cairn::keras {
namespace {

WeightsFormat output_format(const std::string& out, const ConvertOptions& options) {
  if (options.format) return *options.format;
  std::optional<WeightsFormat> format = weights_format_of_path(out);
  if (!format) {
    throw InvalidArgumentError(
        "convert: unknown extension of " + out +
        "; name it .safetensors, .h5, .hdf5, .keras, .weights.h5 or a checkpoint prefix "
        "(model.ckpt-200), or give the format (checkpoint, h5, safetensors, keras, weights.h5)");
  }
  return *format;
}

// What must be absent for `out` not to be overwritten.
std::string output_file(const std::string& out, WeightsFormat format) {
  return format == WeightsFormat::kCheckpoint ? bundle_index_path(out) : out;
}

void refuse_overwrite(FileSystem& fs, const std::string& out, WeightsFormat format) {
  const std::string file = output_file(out, format);
  if (fs.file_exists(file) || fs.is_directory(file)) {
    throw AlreadyExistsError("convert: " + file + " exists; give --force to replace it");
  }
}

// .keras and .weights.h5 come from a whole model: the Keras front end loads
// the input and saves it, so they read and write what load_model and save do.
void write_from_model(const std::string& in, const std::string& out, WeightsFormat format,
                      FileSystem& fs) {
  const std::optional<WeightsFormat> input = weights_format_of_path(in);
  if (input != WeightsFormat::kH5 && input != WeightsFormat::kKerasModel) {
    throw UnimplementedError("convert: writing " + out + " needs a whole Keras model as input (" +
                             ".h5, .hdf5 or .keras), not " + in);
  }
  Sequential model = load_model(in, fs);
  if (format == WeightsFormat::kKerasModel) {
    model.save(out);
  } else {
    model.save_weights(out);
  }
}

}  // namespace

Converted convert(const std::string& in, const std::string& out, const ConvertOptions& options) {
  FileSystem& fs = options.fs != nullptr ? *options.fs : default_file_system();
  const WeightsFormat format = output_format(out, options);
  if (!options.force) refuse_overwrite(fs, out, format);
  if (format == WeightsFormat::kKerasModel || format == WeightsFormat::kKerasWeights) {
    write_from_model(in, out, format, fs);
    return {.path = out, .skipped = {}};
  }
  const WeightsFile weights = read_weights_file(in, fs);
  internal::write_weights_file(weights, out, format, fs);
  return {.path = out, .skipped = weights.skipped};
}

}  // namespace cairn::keras
