// Writes seed inputs for the fuzz targets from files cairn itself writes:
//   make_seeds OUT_DIR   ->  OUT_DIR/<target>/<seed>
// A bundle of every dtype family (raw and structured, see
// bundle_reader_fuzzer.cc), state files, an event file with scalars,
// histograms and session markers, Keras .h5 files (whole model and
// weights only) with their model_config and training_config JSON, SavedModels
// (saved_model_inputs.h), model specs as .meta files record them, CSV and
// IDX files like the ones cairn reads, and --input JSON values.
#include <cstdio>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/estimator/model_spec.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/events/event_writer.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/formats/safetensors/safetensors_writer.h"
#include "cairn/io/coding.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/io/table.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/dropout.h"
#include "cairn/keras/sequential.h"
#include "saved_model_inputs.h"

namespace cairn {
namespace {

void write_seed(const std::string& dir, const std::string& name, const std::string& bytes) {
  throw_if_error(default_file_system().create_directories(dir));
  throw_if_error(default_file_system().write_file_atomically(join_path(dir, name), bytes));
}

std::string bundle_input(bool structured, const std::string& index, const std::string& data) {
  std::string out(1, structured ? '\x01' : '\x00');
  put_fixed32(&out, static_cast<uint32_t>(index.size()));
  return out + index + data;
}

void bundle_seeds(const std::string& out) {
  MemoryFileSystem fs;
  auto writer = value_or_throw(BundleWriter::create(fs, "/b/model.ckpt-1"));
  throw_if_error(writer->add("dense/kernel", Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2})));
  throw_if_error(writer->add("dense/bias", Tensor::from_vector<double>({0.5, -1}, {2})));
  throw_if_error(writer->add("global_step", Tensor::scalar<int64_t>(200)));
  throw_if_error(writer->add("step32", Tensor::from_vector<int32_t>({7, 8, 9}, {3, 1})));
  throw_if_error(writer->add("names", Tensor::from_strings({"a", "", "dense"}, {3})));
  throw_if_error(writer->add("flags", Tensor::from_vector<bool>({true, false}, {2})));
  throw_if_error(writer->finish());
  std::string index = value_or_throw(fs.read_file("/b/model.ckpt-1.index"));
  std::string data = value_or_throw(fs.read_file("/b/model.ckpt-1.data-00000-of-00001"));
  write_seed(out, "raw", bundle_input(false, index, data));
  auto file = value_or_throw(fs.new_random_access_file("/b/model.ckpt-1.index"));
  std::string spec;
  for (const auto& [key, value] : value_or_throw(read_table(*file))) {
    put_varint32(&spec, static_cast<uint32_t>(key.size()));
    spec += key;
    put_varint32(&spec, static_cast<uint32_t>(value.size()));
    spec += value;
  }
  write_seed(out, "structured", bundle_input(true, spec, data));
}

void state_seeds(const std::string& out) {
  CheckpointState state{.model_checkpoint_path = "model.ckpt-200",
                        .all_model_checkpoint_paths = {"/elsewhere/model.ckpt-1", "model.ckpt-200"},
                        .all_model_checkpoint_timestamps = {1700000000.5, 1700000042.25},
                        .last_preserved_timestamp = 1699999990.0};
  write_seed(out, "tf2", serialize_checkpoint_state(state));
  write_seed(out, "one", serialize_checkpoint_state({.model_checkpoint_path = "../x/ckpt-1"}));
}

void event_seeds(const std::string& out) {
  MemoryFileSystem fs;
  auto writer = value_or_throw(EventWriter::create(fs, "/e"));
  throw_if_error(writer->add_scalar("loss", 0.25f, 100));
  throw_if_error(writer->add_histogram("logits", {0.5, 1.5, -2, 3}, 100));
  throw_if_error(writer->add_session_log(SessionLogStatus::kCheckpoint, 100, "/e/model.ckpt-100"));
  throw_if_error(writer->close());
  for (const std::string& name : value_or_throw(fs.list_directory("/e"))) {
    write_seed(out, "events", value_or_throw(fs.read_file(join_path("/e", name))));
  }
}

void keras_seeds(const std::string& h5_out, const std::string& json_out) {
  keras::Sequential model({keras::Dense(3, {.activation = "relu", .input_shape = keras::Shape{4}}),
                           keras::Dropout(0.25), keras::Dense(2, {.activation = "softmax"})});
  model.compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy"});
  const std::string tmp = join_path(h5_out, "tmp");
  throw_if_error(default_file_system().create_directories(tmp));
  model.save(join_path(tmp, "model.h5"));
  model.save_weights(join_path(tmp, "weights.h5"));
  for (const char* name : {"model.h5", "weights.h5"}) {
    std::string path = join_path(tmp, name);
    write_seed(h5_out, name, value_or_throw(default_file_system().read_file(path)));
    throw_if_error(default_file_system().remove_file(path));
  }
  KerasH5File file = value_or_throw(read_keras_h5(join_path(h5_out, "model.h5")));
  write_seed(json_out, "model_config", file.model_config);
  write_seed(json_out, "training_config", file.training_config);
}

// Selector byte (see saved_model_fuzzer.cc) + the seed model's saved_model.pb.
void saved_model_seeds(const std::string& out) {
  MemoryFileSystem fs;
  fuzz::write_seed_saved_models(fs, "/m");
  for (int i = 0; i < fuzz::kSeedSavedModels; ++i) {
    const std::string pb =
        value_or_throw(fs.read_file(fuzz::seed_saved_model_dir("/m", i) + "/saved_model.pb"));
    write_seed(out, "model" + std::to_string(i), std::string(1, static_cast<char>(i)) + pb);
  }
}

void model_spec_seeds(const std::string& out) {
  using estimator::EstimatorType;
  const estimator::ModelSpec dnn{
      .type = EstimatorType::kDNNClassifier,
      .feature_columns = {data::numeric_column("SepalLength"), data::numeric_column("x", 2)},
      .hidden_units = {10, 10},
      .n_classes = 3,
      .dropout = 0.1};
  write_seed(out, "dnn_classifier", dnn.to_json());
  write_seed(out, "dnn_regressor",
             estimator::ModelSpec{.type = EstimatorType::kDNNRegressor,
                                  .feature_columns = {data::numeric_column("a", 3)},
                                  .hidden_units = {4},
                                  .label_dimension = 2,
                                  .optimizer = "Adam"}
                 .to_json());
  write_seed(out, "linear",
             estimator::ModelSpec{
                 .type = EstimatorType::kLinearClassifier,
                 .feature_columns = {data::numeric_column("a"), data::numeric_column("b")},
                 .n_classes = 2,
                 .optimizer = "Ftrl"}
                 .to_json());
}

// Selector byte (see csv_fuzzer.cc) + the CSV text.
void csv_seeds(const std::string& out) {
  write_seed(out, "iris",
             std::string(1, '\2') +
                 "6,4,setosa,versicolor,virginica\n6.4,2.8,5.6,2.2,2\n"
                 "5.0,2.3,3.3,1.0,1\n4.9,3.1,1.5,0.1,0\n");
  write_seed(out, "names", std::string(1, '\1') + "a,b,c,label\n1,2.5,-3e2,1\n0.5,nan,4,0\n");
  write_seed(out, "plain", std::string(1, '\0') + "1,2\n3,4\n");
}

// An IDX file of `type` and `dims` whose elements are 0, 1, 2, ... bytes.
std::string idx_bytes(uint8_t type, const std::vector<uint32_t>& dims, size_t element_bytes) {
  std::string out{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  size_t elements = 1;
  for (uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
    elements *= d;
  }
  for (size_t i = 0; i < elements * element_bytes; ++i) out += static_cast<char>(i);
  return out;
}

// Limit byte (see idx_fuzzer.cc) + the IDX bytes.
void idx_seeds(const std::string& out) {
  write_seed(out, "images", std::string(1, '\0') + idx_bytes(0x08, {3, 2, 2}, 1));
  write_seed(out, "labels", std::string(1, '\2') + idx_bytes(0x08, {3}, 1));
  write_seed(out, "floats", std::string(1, '\0') + idx_bytes(0x0D, {2, 2}, 4));
  write_seed(out, "int32", std::string(1, '\1') + idx_bytes(0x0C, {2}, 4));
}

// Files write_safetensors writes: every dtype family, metadata, no tensors.
void safetensors_seeds(const std::string& out) {
  MemoryFileSystem fs;
  const Tensor kernel = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor step = Tensor::scalar<int64_t>(3);
  const Tensor mask = Tensor::from_vector<bool>({true, false}, {2});
  const Tensor h = Tensor::from_vector<half>({half::from_float(1.5f)}, {1});
  const std::vector<SafetensorsTensor> tensors = {
      {"dense/kernel", &kernel}, {"step", &step}, {"mask", &mask}, {"h", &h}};
  throw_if_error(write_safetensors(fs, "/a", tensors, {{"format", "tf"}}));
  write_seed(out, "tensors", value_or_throw(fs.read_file("/a")));
  throw_if_error(write_safetensors(fs, "/b", {}));
  write_seed(out, "empty", value_or_throw(fs.read_file("/b")));
}

void json_input_seeds(const std::string& out) {
  write_seed(out, "matrix", "[[1, 2.5], [-3, 4e2]]");
  write_seed(out, "scalar", "7");
  write_seed(out, "bools", "[true, false]");
  write_seed(out, "strings", "[[\"a\", \"\\u00e9\"]]");
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds OUT_DIR\n");
    return 2;
  }
  const std::string out = argv[1];
  try {
    cairn::bundle_seeds(out + "/bundle_reader_fuzzer");
    cairn::state_seeds(out + "/checkpoint_state_fuzzer");
    cairn::event_seeds(out + "/event_reader_fuzzer");
    cairn::safetensors_seeds(out + "/safetensors_reader_fuzzer");
    cairn::keras_seeds(out + "/keras_h5_fuzzer", out + "/keras_config_fuzzer");
    cairn::saved_model_seeds(out + "/saved_model_fuzzer");
    cairn::model_spec_seeds(out + "/model_spec_fuzzer");
    cairn::csv_seeds(out + "/csv_fuzzer");
    cairn::idx_seeds(out + "/idx_fuzzer");
    cairn::json_input_seeds(out + "/json_input_fuzzer");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
