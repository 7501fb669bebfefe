// libFuzzer target for Keras 3's .keras loader: the input is the archive.
// load_model reads it as a ZIP (libzip, every entry's size bounded), parses
// metadata.json and config.json, checks safe_mode, reads model.weights.h5
// (in the HDF5 sandbox, as keras_h5_fuzzer explains) and builds the model.
// Any typed cairn::Error is the contract for a file cairn cannot load.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/keras/sequential.h"

// As keras_h5_fuzzer: HDF5 mallocs sizes read from the file and checks for NULL.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::MemoryFileSystem fs;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!fs.write_file_atomically("/model.keras", bytes).ok()) return 0;
  try {
    (void)cairn::keras::load_model("/model.keras", fs);
  } catch (const cairn::Error&) {
  }
  return 0;
}
