// libFuzzer target for the Keras HDF5 loader: the input is the .h5 file.
// Reads it with read_keras_h5, then builds a model from its model_config
// JSON and compile options from its training_config, as load_model does.
//
// HDF5 1.10 itself crashes on many corrupt files (out-of-bounds reads in
// H5Aexists, H5C_protect...), which read_keras_h5 contains by parsing in a
// forked child first (src/formats/hdf5_sandbox.h). This target keeps that
// sandbox: each input costs a fork, and libFuzzer's coverage comes from the
// second parse in this process, which runs only for inputs HDF5 survived, so
// the fuzzer spends its time on cairn's code rather than on HDF5's crashes.
// CAIRN_FUZZ_H5_IN_PROCESS=1 turns the sandbox off, to hunt crashes in
// HDF5 directly (they are HDF5's bugs; in normal use the child contains them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/memory_file_system.h"
#include "formats/hdf5/hdf5_sandbox.h"
#include "keras/saving/model_config.h"

namespace {

void load_configs(const cairn::KerasH5File& file) {
  using cairn::keras::Json;
  Json config = Json::parse(file.model_config, nullptr, /*allow_exceptions=*/false);
  if (!config.is_discarded()) {
    try {
      int64_t stored = 0;  // as load_model bounds the model by the weights stored
      for (const auto& layer : file.layers) {
        for (const auto& w : layer.weights) stored += w.value.num_elements();
      }
      (void)cairn::keras::internal::model_from_config(config, stored);
    } catch (const cairn::Error&) {
      // A typed error is the contract for a config cairn cannot load.
    }
  }
  Json training = Json::parse(file.training_config, nullptr, /*allow_exceptions=*/false);
  if (!training.is_discarded()) {
    std::string why;
    try {
      (void)cairn::keras::internal::compile_options_from(training, why);
    } catch (const cairn::Error&) {
    }
  }
}

}  // namespace

// HDF5 (C) mallocs sizes it reads from the file and checks for NULL; let
// malloc fail as it would without AddressSanitizer. C++ allocations (ours)
// still abort on an impossible size.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool in_process = std::getenv("CAIRN_FUZZ_H5_IN_PROCESS") != nullptr;
  cairn::internal::h5::set_isolation_enabled(!in_process);
  cairn::MemoryFileSystem fs;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!fs.write_file_atomically("/model.h5", bytes).ok()) return 0;
  // HDF5 loops forever on some inputs; the child gets 1 s instead of 10.
  auto file = cairn::read_keras_h5("/model.h5", fs, {.parse_timeout_seconds = 1});
  if (file.ok()) load_configs(*file);
  return 0;
}
