// Keras 3's .keras files (keras_archive.h): the three entries, zipped or in
// a directory, written and read back into a Sequential model.
#include "keras/saving/keras_archive.h"

#include <ctime>
#include <optional>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras3_weights.h"
#include "cairn/formats/json_limits.h"
#include "cairn/formats/zip/zip_archive.h"
#include "keras/saving/keras3_config.h"
#include "keras/saving/keras3_weights.h"
#include "keras/saving/model_config.h"

namespace cairn::keras::internal {
namespace {

constexpr const char* kMetadata = "metadata.json";
constexpr const char* kConfig = "config.json";
constexpr const char* kWeights = "model.weights.h5";
// No entry of a ZIP archive can hold more than this many times the
// archive's size: deflate's largest ratio; stored entries hold less.
constexpr uint64_t kMaxDeflateRatio = 1032;

// "2026-01-31@12:00:00", Keras's date_saved (UTC here).
std::string date_saved() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d@%H:%M:%S", &utc);
  return text;
}

// The entries of a .keras file, zipped or unzipped.
class ArchiveFiles {
 public:
  ArchiveFiles(FileSystem& fs, const std::string& path) : fs_(fs), path_(path) {
    if (fs.is_directory(path)) return;
    std::string bytes = value_or_throw(fs.read_file(path));
    max_entry_bytes_ = bytes.size() * kMaxDeflateRatio;
    zip_.emplace(value_or_throw(ZipReader::open(std::move(bytes), path)));
  }
  bool has(const std::string& name) const {
    return zip_ ? zip_->has_entry(name) : fs_.file_exists(join_path(path_, name));
  }
  // The entry `name`; DataLossError naming the file and entry when it is absent.
  std::string read(const std::string& name) const {
    if (!has(name)) {
      throw DataLossError(path_ + ": no " + name + ", which every Keras 3 .keras " +
                          (zip_ ? "archive" : "directory") + " holds");
    }
    return value_or_throw(zip_ ? zip_->read(name, max_entry_bytes_)
                               : fs_.read_file(join_path(path_, name)));
  }

 private:
  FileSystem& fs_;
  std::string path_;
  std::optional<ZipReader> zip_;
  uint64_t max_entry_bytes_ = 0;
};

Json parse_entry(const ArchiveFiles& files, const std::string& path, const std::string& name) {
  Result<Json> json = parse_untrusted_json(files.read(name), path + "/" + name);
  if (!json.ok()) throw DataLossError(json.status().message());
  if (!json->is_object()) throw DataLossError(path + "/" + name + " is not a JSON object");
  return *json;
}

Keras3Weights read_weights(const ArchiveFiles& files, const std::string& path) {
  return value_or_throw(decode_keras3_weights(files.read(kWeights), path + "/" + kWeights));
}

int64_t stored_elements(const Keras3Weights& weights) {
  int64_t n = 0;
  for (const Keras3Vars& object : weights.objects) {
    for (const Tensor& t : object.vars) n += t.num_elements();
  }
  return n;
}

void compile_from(Sequential& model, const Json& config, const Keras3Weights& weights) {
  if (!config.contains("compile_config") || config["compile_config"].is_null()) return;
  std::string why;
  std::optional<CompileOptions> options =
      compile_options_from_keras3(config["compile_config"], saved_optimizer_name(weights), why);
  if (options) {
    model.compile(*options);
  } else {
    model.output() << "WARNING: the model is not compiled: " << why << "\n";
  }
}

}  // namespace

bool is_keras_archive_path(const std::string& path) { return path.ends_with(".keras"); }

bool holds_keras_archive(FileSystem& fs, const std::string& path) {
  if (fs.is_directory(path)) return fs.file_exists(join_path(path, kConfig));
  Result<std::unique_ptr<RandomAccessFile>> file = fs.new_random_access_file(path);
  if (!file.ok()) return false;
  char scratch[4];
  Result<std::string_view> magic = (*file)->read(0, 4, scratch);
  return magic.ok() && *magic == std::string_view("PK\x03\x04", 4);
}

void save_keras_archive(FileSystem& fs, Sequential& model, const std::string& path, bool zipped) {
  if (model.weights().empty()) throw FailedPreconditionError("save: the model has no weights yet");
  const Json metadata{{"keras_version", kKeras3Version}, {"date_saved", date_saved()}};
  const Json config = keras3_model_config(model);
  refuse_keras3_hard_sigmoid(config, "save('" + path + "')");
  Result<std::string> weights = encode_keras3_weights(keras3_weights_of(model));
  if (!weights.ok()) throw_if_error(weights.status().with_context(path));
  const std::vector<ZipEntry> entries = {
      {kMetadata, metadata.dump()}, {kConfig, config.dump()}, {kWeights, std::move(*weights)}};
  if (zipped) {
    const std::string bytes = value_or_throw(write_zip(entries));
    throw_if_error(fs.write_file_atomically(path, bytes));
    return;
  }
  throw_if_error(fs.create_directories(path));
  for (const ZipEntry& e : entries) {
    throw_if_error(fs.write_file_atomically(join_path(path, e.name), e.bytes));
  }
}

Sequential load_keras_archive(FileSystem& fs, const std::string& path, bool safe_mode) {
  const ArchiveFiles files(fs, path);
  if (files.has(kMetadata)) parse_entry(files, path, kMetadata);
  const Json config = parse_entry(files, path, kConfig);
  if (safe_mode) check_safe_mode(config, path);
  refuse_keras3_hard_sigmoid(config, "load_model('" + path + "')");
  const Keras3Weights weights = read_weights(files, path);
  Sequential model = model_from_config(config, stored_elements(weights));
  model.set_file_system(fs);
  if (!model.built()) {
    throw InvalidArgumentError("load_model('" + path + "'): the model config has no input shape");
  }
  compile_from(model, config, weights);
  assign_keras3_weights(model, weights, path + "/" + kWeights);
  return model;
}

void load_keras_archive_weights(FileSystem& fs, Sequential& model, const std::string& path) {
  const ArchiveFiles files(fs, path);
  assign_keras3_weights(model, read_weights(files, path), path + "/" + kWeights);
}

}  // namespace cairn::keras::internal
